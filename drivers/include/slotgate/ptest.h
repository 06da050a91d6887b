/* ptest.h - actions of the pointer-passing test program (drivers/apps/
 * ptest.c), shared with tests/kernel/test_pointers.c: action in the low
 * byte of the argument, a parameter above it. */
#ifndef SLOTGATE_PTEST_H
#define SLOTGATE_PTEST_H

enum ptest_action {
	PT_STR_IN = 1,      /* exit with echo.strlen("hello, slot") */
	PT_BUF_IN,          /* buffer of param bytes (i & 0xff): exit with
			       echo.sum == the sum it computed itself ? 0 : 1 */
	PT_BUF_OUT,         /* echo.fill(param bytes): 0 if every byte right
			       and the bytes around it untouched */
	PT_BUF_INOUT,       /* echo.upcase("mixed Case"): 0 if "MIXED CASE" */
	PT_TWO_BUFFERS,     /* exit with echo.two("abc", {1,2,3}, 3) */
	PT_PARTIAL_PAGE,    /* echo.beside() on a buffer between 0xaa bytes:
			       exit with what the driver saw */
	PT_WINDOW_UNMAPPED, /* echo.where(64 KiB), then echo.peek(there) */
	PT_COPY_AREA_ZEROED,/* echo.where(64 B), then echo.peek(there) */
	PT_BAD,             /* bad pointer number param: exit with the error */
	PT_NESTED,          /* nest.sum_via_echo(param bytes) == own sum ? 0 : 1 */
	PT_HANDLE_BUF,      /* echo.read_into(7, 100 bytes): 0 if all 7 */
	PT_TRUSTED,         /* the trusted echo: sum right and where() the
			       caller's own address ? 0 : 1 */
	PT_STR_EDGES,       /* echo.strlen of strings of 0..4095 chars at
			       every alignment across a page end, and one
			       of 4096: 0 if every length (and the refusal)
			       is right, else 1000 * case + 1 */
	PT_ALLMAPPED,       /* the all-mapped echo: sum right and where() a
			       window in its slot, not the caller's ? 0 : 1 */
};

enum ptest_bad {
	BAD_NULL = 1, BAD_KERNEL, BAD_NONCANONICAL, BAD_UNMAPPED, BAD_WRAP,
	BAD_TOO_LONG, BAD_UNTERMINATED, BAD_READONLY_OUT, BAD_OTHER_SLOT,
	BAD_PAST_SLOT_END, /* from a byte of its stack to 16 bytes past the
			      end of its slot (slot 0, and the guard page) */
	BAD_COUNT
};

#endif
