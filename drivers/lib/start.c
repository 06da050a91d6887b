/* start.c - entry point of every ring-3 program: main(arg), then exit. */
#include "slotgate/sys.h"

__attribute__((noreturn, used)) void _start(u64_t arg)
{
	sys_exit(main(arg));
}
