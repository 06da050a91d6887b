/*
 * errno.h - the one table of error codes.
 *
 * Every error an application, a driver or the loader can cause is one of
 * the codes in drivers/include/slotgate/errors.h (the ABI ring 3 sees),
 * returned negated (-E_FAULT).  error_name() gives the name for logs.
 */
#ifndef SLOTGATE_ERRNO_H
#define SLOTGATE_ERRNO_H

#include "slotgate/errors.h"

/* Symbolic name of an error code, negative or not ("E_FAULT"). */
const char *error_name(long code);

#endif
