/* errno.c - names of the error codes in errno.h. */
#include "errno.h"

const char *error_name(long code)
{
	static const char *const names[] = {
#define X(name, value, text) [value] = #name,
		ERROR_LIST(X)
#undef X
	};
	if (code < 0)
		code = -code;
	if (code >= (long)(sizeof(names) / sizeof(names[0])) || !names[code])
		return "E_UNKNOWN";
	return names[code];
}
