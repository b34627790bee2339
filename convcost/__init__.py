"""convcost: exact mult-adds and parameters of convolutions and CNNs, from shapes alone."""

__version__ = "0.1.0"
