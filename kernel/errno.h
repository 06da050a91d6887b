/*
 * errno.h - the one table of error codes.
 *
 * Every error an application, a driver or the loader can cause is one of
 * these, returned negated (-E_FAULT).  Codes are stable: the gate ABI and
 * the tests name them.  error_name() gives the symbolic name for logs.
 */
#ifndef SLOTGATE_ERRNO_H
#define SLOTGATE_ERRNO_H

#define ERROR_LIST(X)                                                          \
	X(E_OK, 0, "success")                                                  \
	X(E_INVAL, 1, "invalid argument")                                      \
	X(E_NOMEM, 2, "out of memory")                                         \
	X(E_FAULT, 3, "bad address")                                           \
	X(E_NOSYS, 4, "no such system call")                                   \
	X(E_RANGE, 5, "value out of range")                                    \
	X(E_NOEXEC, 6, "malformed executable image")                           \
	X(E_KILLED, 7, "program killed by a fault")                            \
	X(E_BUSY, 8, "resource busy")                                          \
	X(E_NOENT, 9, "no such entry")                                         \
	X(E_PERM, 10, "operation not permitted")

enum error_code {
#define X(name, value, text) name = value,
	ERROR_LIST(X)
#undef X
};

/* Symbolic name of an error code, negative or not ("E_FAULT"). */
const char *error_name(long code);

#endif
