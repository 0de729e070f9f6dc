"""File primitives of the folder store: the sidecar lock, atomic replacement, fsync of a folder, a health probe."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path


def fsync_dir(directory: Path) -> None:
    """Make a folder's entries (a created, renamed or linked file) durable."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(dest: Path, lines: Iterable[bytes], *, private: bool = True) -> None:
    """Write `lines` to dest through a temporary file in the same folder: fsync, os.replace, fsync the folder.

    `private`: mode 0600 whatever the umask (an existing file is replaced, so its old permissions do not carry over).
    """
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600 if private else 0o666)
    try:
        if private:
            os.fchmod(fd, 0o600)
        with open(fd, "wb", closefd=False) as file:
            for line in lines:
                file.write(line)
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(tmp, dest)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(dest.parent)


@contextmanager
def locked(lock_path: Path, data_path: Path, operation: int, data_flags: int) -> Iterator[int]:
    """Hold the sidecar flock (LOCK_SH or LOCK_EX) and yield a fresh descriptor of the data file.

    Both are opened per call: a descriptor inherited through fork() would share its flock with the parent, and a
    data descriptor kept open would miss a rewrite's new file.
    """
    lock_fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(lock_fd, operation)
        fd = os.open(data_path, data_flags | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            yield fd
        finally:
            os.close(fd)
    finally:
        os.close(lock_fd)  # releases the flock


@contextmanager
def held(lock_path: Path) -> Iterator[None]:
    """An exclusive flock on `lock_path` for the block, waiting while another process holds it."""
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the flock


def has_room(directory: Path, min_free_bytes: int) -> bool:
    """The folder is writable now (a probe file, rewritten in place so that it never grows) and has at least
    `min_free_bytes` free; OSError when it cannot be probed."""
    probe = os.open(directory / ".health", os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        os.pwrite(probe, b"ok\n", 0)
    finally:
        os.close(probe)
    disk = os.statvfs(directory)
    return disk.f_bavail * disk.f_frsize >= min_free_bytes


def create_private(directory: Path, *paths: Path) -> None:
    """Create `directory` (0700) and the empty files `paths` in it (0600) where missing, whatever the umask, and make
    the new entries durable; files that exist are left alone."""
    if not directory.is_dir():
        directory.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.mkdir(directory, 0o700)
        except FileExistsError:
            pass
        else:
            os.chmod(directory, 0o700)  # whatever the umask
            fsync_dir(directory.parent)
    created = False
    for path in paths:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        except FileExistsError:
            continue
        os.fchmod(fd, 0o600)
        os.close(fd)
        created = True
    if created:
        fsync_dir(directory)
