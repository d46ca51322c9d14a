//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package content

import "syscall"

// noFollowOpen tells whether readNoFollow can read a file.
const noFollowOpen = true

// readNoFollow reads the file at name on the system into buf, failing if
// name is a symbolic link (or a folder, or anything not read as a file).
// Non-blocking: a pipe put in a file's place does not hang the read.
func readNoFollow(name string, buf []byte) ([]byte, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return buf[:0], err
	}
	defer syscall.Close(fd)
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := syscall.Read(fd, buf[len(buf):cap(buf)])
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return buf[:0], err
		case n == 0:
			return buf, nil
		}
		buf = buf[:len(buf)+n]
	}
}
