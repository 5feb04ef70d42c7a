/*
 * guest-exit STATUS: ends the test guest with STATUS, the last thing its
 * init does. QEMU's isa-debug-exit device (iobase 0xf4) exits QEMU with
 * (STATUS << 1) | 1 when a byte is written to its port, which carries the
 * guest's verdict to the host. Static, so that it works whatever else is
 * broken in the guest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>

#define DEBUG_EXIT_PORT 0xf4

int main(int argc, char **argv)
{
	int status = argc > 1 ? atoi(argv[1]) : 0;

	if (ioperm(DEBUG_EXIT_PORT, 4, 1) != 0) {
		perror("guest-exit: cannot access port 0xf4");
		return 1;
	}
	outb((unsigned char)status, DEBUG_EXIT_PORT);
	fputs("guest-exit: isa-debug-exit device missing\n", stderr);
	return 1;
}
