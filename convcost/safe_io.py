"""What crosses the process boundary: bounded reads in, guarded writes out, printable text.

Every input file (``--spec``, a network file, a device profile, stdin) is read by
``read_input``: regular files and pipes only, at most ``MAX_INPUT_BYTES``, UTF-8; anything else is
one ``SpecError`` line. Every write to stdout goes through ``Output``: a failed write (a reader
that went away, a full disk, a closed stdout) becomes one ``OutputError`` that ``cli.main`` turns
into exit 141 (EPIPE, silently) or one line. ``printable`` escapes what a terminal would
interpret (control characters, escape sequences, bidi overrides) in user text.

Standard library only: this module is on every command's start-up path.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Iterator
from typing import Any, TextIO

from convcost.errors import SpecError

MAX_INPUT_BYTES = 8 * 1024 * 1024
"""8 MiB: a spec of 100,000 plain layer entries is about 3 MB; more is not a spec."""

MAX_ERROR_LINES = 20
"""An error list longer than this is cut to its first lines and '… and N more'."""
MAX_LINE = 300
"""Characters of one error line; a longer one (a 5,000-character path) loses its middle."""

EXIT_OUTPUT = 74
"""Exit status of a failed write (EX_IOERR of sysexits.h): not bad input (2), not a bug (1)."""
EXIT_PIPE = 141
"""128 + SIGPIPE: the reader went away (``| head``), as other Unix tools end."""


# --- reading ------------------------------------------------------------------------------------


def _too_big(name: str) -> SpecError:
    return SpecError(
        f"{name}: is larger than {MAX_INPUT_BYTES:,} bytes (8 MiB), the limit on an input file"
    )


def _read_capped(fd: int, name: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = os.read(fd, min(1 << 20, MAX_INPUT_BYTES + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_INPUT_BYTES:
            raise _too_big(name)


def _kind(mode: int) -> str:
    for test, kind in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return kind
    return "not a regular file"


def _check_mode(mode: int, size: int, name: str) -> None:
    if stat.S_ISDIR(mode):
        raise SpecError(f"{name}: is a directory, expected a YAML file")
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
        raise SpecError(
            f"{name}: is {_kind(mode)}, expected a YAML file (a regular file or a pipe)"
        )
    if stat.S_ISREG(mode) and size > MAX_INPUT_BYTES:
        raise _too_big(name)


def reason(exc: OSError) -> str:
    """'No such file or directory' from an OSError, without the errno and path around it."""
    return exc.strerror or type(exc).__name__


def read_bytes(path: str) -> tuple[bytes, str]:
    """(content, display name) of a file, or of stdin for ``-``; bounded and checked first."""
    if path == "-":
        name = "<stdin>"
        stream = sys.stdin
        if stream is None:
            raise SpecError(f"{name}: is closed; pipe a YAML spec into it")
        try:
            fd = stream.fileno()
        except (OSError, ValueError, AttributeError):  # not a real descriptor (a test's stream)
            data = stream.buffer.read(MAX_INPUT_BYTES + 1)
            if len(data) > MAX_INPUT_BYTES:
                raise _too_big(name) from None
            return data, name
        try:
            return _read_capped(fd, name), name
        except OSError as exc:
            raise SpecError(f"{name}: cannot be read: {reason(exc)}") from None
    name = path
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise SpecError(f"{name}: no such file") from None
        raise SpecError(f"{name}: cannot be read: {reason(exc)}") from None
    except ValueError:  # a NUL character in the path
        raise SpecError(f"{name}: no such file (the name has a NUL character)") from None
    _check_mode(info.st_mode, info.st_size, name)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise SpecError(f"{name}: cannot be read: {reason(exc)}") from None
    try:
        opened = os.fstat(fd)  # the file may have been swapped since the stat above
        _check_mode(opened.st_mode, opened.st_size, name)
        return _read_capped(fd, name), name
    except OSError as exc:
        raise SpecError(f"{name}: cannot be read: {reason(exc)}") from None
    finally:
        os.close(fd)


def read_input(path: str) -> tuple[str, str]:
    """(UTF-8 text, display name) of a file or of stdin (``-``); one SpecError line otherwise."""
    data, name = read_bytes(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SpecError(
            f"{name}, line {line}: cannot be read: byte 0x{data[exc.start]:02x} is not UTF-8 "
            "(save the file as UTF-8)"
        ) from None
    if not text.strip():
        raise SpecError(f"{name}: is empty, expected a YAML mapping")
    return text, name


def is_file(path: str) -> bool:
    """Whether ``path`` names an existing file (False for names the OS refuses, e.g. too long)."""
    try:
        return os.path.isfile(path)
    except (OSError, ValueError):
        return False


def exists(path: str) -> bool:
    try:
        return os.path.exists(path)
    except (OSError, ValueError):
        return False


# --- files we write (--plot) ----------------------------------------------------------------------


def _target(path: str, flag: str) -> str:
    """Where ``path`` ends up (a symlink's target), refused unless it is a new or regular file."""
    real = os.path.realpath(path)
    try:
        info = os.stat(real)
    except FileNotFoundError:
        return real
    except (OSError, ValueError) as exc:
        why = reason(exc) if isinstance(exc, OSError) else "the name has a NUL character"
        raise SpecError(f"{flag}: {path!r} cannot be written: {why}") from None
    if not stat.S_ISREG(info.st_mode):
        raise SpecError(f"{flag}: {path!r} is {_kind(info.st_mode)}, not a file to write")
    return real


def _temporary(real: str, flag: str, path: str) -> str:
    import tempfile

    folder, suffix = os.path.dirname(real), os.path.splitext(real)[1]
    try:
        fd, temp = tempfile.mkstemp(dir=folder, prefix=".convcost-", suffix=suffix)
    except (OSError, ValueError) as exc:
        why = reason(exc) if isinstance(exc, OSError) else "the name has a NUL character"
        raise SpecError(f"{flag}: {path!r} cannot be written: {why} (in {folder})") from None
    os.close(fd)
    return temp


def check_writable(path: str, flag: str) -> None:
    """Refuse, before any work, a file that could not be written: a directory or a device in
    its place, or a folder where no file can be created (tried, not guessed)."""
    real = _target(path, flag)
    os.unlink(_temporary(real, flag, path))


@contextlib.contextmanager
def replaced(path: str, flag: str) -> Iterator[str]:
    """A temporary file beside ``path`` to write; on success it replaces ``path`` in one rename
    (a reader never sees half a file), on failure it is removed."""
    real = _target(path, flag)
    temp = _temporary(real, flag, path)
    try:
        yield temp
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(temp, 0o666 & ~mask)  # as a plain open() would have made it, not mkstemp's 0600
        os.replace(temp, real)
    except OSError as exc:
        raise SpecError(f"{flag}: {path!r} cannot be written: {reason(exc)}") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)


# --- text a terminal shows as it is -----------------------------------------------------------

_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}
_HIDDEN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
"""Control, format (bidi overrides, zero-width), surrogate, private, unassigned, line and paragraph
separators: what a terminal may interpret or what hides text."""


def _escape(char: str) -> str:
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str, keep: str = "") -> str:
    """``text`` with every control or invisible character written as an escape, as git quotes
    paths; characters in ``keep`` stay.

    >>> printable("conv\\x1b[31m1\\nx"), printable("α × 3"), printable("a\\nb", keep="\\n")
    ('conv\\\\x1b[31m1\\\\nx', 'α × 3', 'a\\nb')
    """
    if text.isprintable():
        return text
    return "".join(
        _escape(c)
        if c not in keep and not c.isprintable() and unicodedata.category(c) in _HIDDEN
        else c
        for c in text
    )


def problem_lines(prefix: str, problems: list[str], cap: bool = True) -> list[str]:
    """One line per problem, each escaped (a newline in a name cannot start a line of its own)
    and prefixed; a long list is cut at ``MAX_ERROR_LINES`` lines, the last saying how many more
    there were."""
    shown = problems
    if cap and len(problems) > MAX_ERROR_LINES:
        shown = problems[: MAX_ERROR_LINES - 1]
        shown.append(
            f"… and {len(problems) - len(shown)} more (an error list stops at "
            f"{MAX_ERROR_LINES} lines)"
        )
    return [f"{prefix}{_elide(printable(problem))}\n" for problem in shown]


def _elide(line: str) -> str:
    """A line of at most MAX_LINE characters: in a longer one, every long word (a name, a value)
    keeps its start and end; if that is not enough, the line loses its middle.

    >>> _elide("x: " + "a" * 400 + " is bad")
    'x: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa … aaaaaaaaaaaaaaa is bad'
    """
    if len(line) <= MAX_LINE:
        return line
    line = re.sub(r"\S{61,}", lambda m: f"{m[0][:40]} … {m[0][-15:]}", line)
    if len(line) <= MAX_LINE:
        return line
    return f"{line[: MAX_LINE * 2 // 3]} … {line[-(MAX_LINE // 3) :]}"


def _escape_unencodable(exc: UnicodeError) -> tuple[str, int]:
    """Encoding error handler for an output that cannot show a character (PYTHONIOENCODING=cp1252
    and α): write it as a \\uXXXX escape, which is also valid inside a JSON string."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = []
    for char in exc.object[exc.start : exc.end]:
        code = ord(char)
        if code > 0xFFFF:  # a surrogate pair, as JSON writes it
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out), exc.end


ESCAPE_ERRORS = "convcost-escape"
codecs.register_error(ESCAPE_ERRORS, _escape_unencodable)


# --- writing --------------------------------------------------------------------------------------


class OutputError(Exception):
    """A write to stdout failed; not an OSError, so no framework on the way swallows it."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.errno = code


class Output:
    """stdout as the commands see it: writes and flushes that fail raise ``OutputError``.

    It hides the binary ``buffer`` on purpose, so that click cannot write around it.
    """

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream

    def _failed(self, exc: BaseException) -> OutputError:
        if isinstance(exc, OSError):
            code = exc.errno or errno.EIO
            return OutputError(code, reason(exc))
        return OutputError(errno.EBADF, os.strerror(errno.EBADF))  # closed: ValueError

    def write(self, text: str) -> int:
        if self.stream is None:
            raise OutputError(errno.EBADF, os.strerror(errno.EBADF))
        try:
            return self.stream.write(text)
        except (OSError, ValueError) as exc:
            raise self._failed(exc) from None

    def flush(self) -> None:
        if self.stream is None:
            return
        try:
            self.stream.flush()
        except (OSError, ValueError) as exc:
            raise self._failed(exc) from None

    def silence(self) -> None:
        """After a failed write: point the descriptor at /dev/null, so that the interpreter's
        last flush of what is still buffered does not fail (and print) a second time."""
        try:
            fd = self.fileno()
        except (OSError, ValueError, AttributeError):
            return
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, fd)
            os.close(devnull)

    def isatty(self) -> bool:
        try:
            return self.stream is not None and self.stream.isatty()
        except (OSError, ValueError):
            return False

    def fileno(self) -> int:
        if self.stream is None:
            raise OSError(errno.EBADF, os.strerror(errno.EBADF))
        return self.stream.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:
        return getattr(self.stream, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str:
        return getattr(self.stream, "errors", None) or "strict"

    @property
    def closed(self) -> bool:
        return False


@contextlib.contextmanager
def guarded_stdout() -> Iterator[Output]:
    """Route stdout through ``Output`` for the duration; characters the output's encoding
    cannot show are written as \\uXXXX escapes instead of failing."""
    original: Any = sys.stdout
    if original is not None and getattr(original, "errors", "strict") == "strict":
        with contextlib.suppress(AttributeError, ValueError, OSError):
            original.reconfigure(errors=ESCAPE_ERRORS)
    output = Output(original)
    sys.stdout = output
    try:
        yield output
    finally:
        sys.stdout = original


def to_stderr(lines: list[str]) -> None:
    """Write lines to stderr; if stderr itself is gone, there is nobody left to tell."""
    stream = sys.stderr
    if stream is None:
        return
    with contextlib.suppress(OSError, ValueError):
        stream.write("".join(lines))
        stream.flush()


@contextlib.contextmanager
def all_digits() -> Iterator[None]:
    """Print every digit of any integer: lift Python's 4,300-digit limit on int → str while a
    result is rendered (inputs are capped at ``fields.MAX_DIGITS`` digits before any parse)."""
    get = getattr(sys, "get_int_max_str_digits", None)  # Python < 3.10.7 has no limit
    if get is None:
        yield
        return
    previous = get()
    sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(previous)
