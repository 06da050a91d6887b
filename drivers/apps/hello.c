/* hello.c - the first application: prints through the kernel, exits 42. */
#include "slotgate/sys.h"

long main(u64_t arg)
{
	(void)arg;
	puts_("hello from ring 3\n");
	return 42;
}
