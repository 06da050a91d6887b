/*
 * errors.h - the error codes, shared by the kernel and ring 3.
 *
 * A system call or a gate returns a value >= 0 or one of these negated
 * (-E_FAULT).  Codes are stable: docs/gate-abi.md lists them and the test
 * that reaches each.
 */
#ifndef SLOTGATE_ERRORS_H
#define SLOTGATE_ERRORS_H

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
	X(E_PERM, 10, "operation not permitted")                               \
	X(E_NOGATE, 11, "no such gate")                                        \
	X(E_FORBIDDEN, 12, "caller may not use this gate")                     \
	X(E_NESTING, 13, "gate nesting too deep")                              \
	X(E_DRIVER_FAULT, 14, "the driver faulted")                            \
	X(E_WATCHDOG, 15, "the driver did not return in time")                 \
	X(E_DEAD, 16, "the driver is dead and refuses calls")                  \
	X(E_NOSLOT, 17, "no free driver slot")                                 \
	X(E_EXIST, 18, "already exists")                                       \
	X(E_PROTO, 19, "short and long IPC do not match")                      \
	X(E_PTR_NULL, 20, "pointer argument is null")                          \
	X(E_PTR_KERNEL, 21, "pointer argument points into the kernel")         \
	X(E_PTR_NONCANONICAL, 22, "pointer argument is not canonical")         \
	X(E_PTR_UNMAPPED, 23, "pointer argument covers an unmapped page")      \
	X(E_PTR_WRAP, 24, "pointer argument wraps around")                     \
	X(E_PTR_TOO_LONG, 25, "buffer or string longer than its class allows") \
	X(E_PTR_UNTERMINATED, 26, "string not terminated within its limit")    \
	X(E_PTR_READONLY, 27, "output buffer is not writable")                 \
	X(E_PTR_OTHER_SLOT, 28, "pointer argument lies outside the caller's view") \
	X(E_NOTHREAD, 29, "no free thread")

enum error_code {
#define X(name, value, text) name = value,
	ERROR_LIST(X)
#undef X
};

#endif
