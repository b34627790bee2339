from convcost.cli import main

main()
