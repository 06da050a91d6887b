/*
 * printf.c - formatted output of the ring-3 runtime (app.h): printf to
 * the kernel console through sys_write, snprintf and vsnprintf into a
 * buffer.  Integers only (no floating point in ring-3 images).
 */
#include "slotgate/app.h"

#define WIDTH_MAX 4096

struct out {
	char *buf;    /* snprintf: the caller's buffer; printf: a chunk */
	size_t cap;   /* bytes buf may hold (snprintf: n - 1, for the NUL) */
	size_t len;   /* bytes in buf */
	size_t total; /* bytes produced so far */
	int console;  /* printf: write the chunk out when it is full */
};

struct spec {
	int left, zero; /* flags '-' and '0' */
	long width, prec; /* prec < 0: none */
};

static void flush(struct out *o)
{
	if (o->len)
		sys_write(o->buf, o->len);
	o->len = 0;
}

static void put(struct out *o, char c)
{
	if (o->len == o->cap && o->console)
		flush(o);
	if (o->len < o->cap)
		o->buf[o->len++] = c;
	o->total++;
}

static void pad(struct out *o, long n, char c)
{
	while (n-- > 0)
		put(o, c);
}

static void put_str(struct out *o, const char *s, const struct spec *sp)
{
	size_t len = 0;

	if (!s)
		s = "(null)";
	while ((sp->prec < 0 || len < (size_t)sp->prec) && s[len])
		len++;
	if (!sp->left)
		pad(o, sp->width - (long)len, ' ');
	for (size_t i = 0; i < len; i++)
		put(o, s[i]);
	if (sp->left)
		pad(o, sp->width - (long)len, ' ');
}

/* @v in @base; @prefix ("-", "0x" or "") goes before any zero padding. */
static void put_num(struct out *o, u64_t v, unsigned base, int upper,
		    const char *prefix, const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	long n = 0, plen = (long)strlen(prefix), fill;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	fill = sp->width - n - plen;
	if (!sp->left && !sp->zero)
		pad(o, fill, ' ');
	while (*prefix)
		put(o, *prefix++);
	if (!sp->left && sp->zero)
		pad(o, fill, '0');
	while (n)
		put(o, tmp[--n]);
	if (sp->left)
		pad(o, fill, ' ');
}

static long number(const char **fmt, va_list *ap)
{
	long v = 0;

	if (**fmt == '*') {
		(*fmt)++;
		return va_arg(*ap, int);
	}
	for (; **fmt >= '0' && **fmt <= '9'; (*fmt)++)
		if (v < WIDTH_MAX)
			v = v * 10 + (**fmt - '0');
	return v;
}

static void format(struct out *o, const char *fmt, va_list *ap)
{
	for (; *fmt; fmt++) {
		struct spec sp = {0, 0, 0, -1};
		int size = 0; /* 0 int, 1 long (l, z), 2 long long */
		u64_t u;
		long s;

		if (*fmt != '%') {
			put(o, *fmt);
			continue;
		}
		for (fmt++; *fmt == '-' || *fmt == '0'; fmt++)
			*(*fmt == '-' ? &sp.left : &sp.zero) = 1;
		sp.width = number(&fmt, ap);
		if (sp.width < 0) {
			sp.left = 1;
			sp.width = -sp.width;
		}
		if (sp.width > WIDTH_MAX)
			sp.width = WIDTH_MAX;
		if (*fmt == '.') {
			fmt++;
			sp.prec = number(&fmt, ap);
		}
		for (; *fmt == 'l' && size < 2; fmt++)
			size++;
		if (*fmt == 'z' && !size) {
			size = 1;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			s = size == 2 ? (long)va_arg(*ap, long long)
			    : size ? va_arg(*ap, long) : va_arg(*ap, int);
			u = s < 0 ? 0 - (u64_t)s : (u64_t)s;
			put_num(o, u, 10, 0, s < 0 ? "-" : "", &sp);
			break;
		case 'u':
		case 'x':
		case 'X':
			u = size == 2 ? (u64_t)va_arg(*ap, unsigned long long)
			    : size ? va_arg(*ap, unsigned long)
				   : va_arg(*ap, unsigned int);
			put_num(o, u, *fmt == 'u' ? 10 : 16, *fmt == 'X', "", &sp);
			break;
		case 'p':
			u = (u64_t)va_arg(*ap, void *);
			put_num(o, u, 16, 0, "0x", &sp);
			break;
		case 's':
			put_str(o, va_arg(*ap, const char *), &sp);
			break;
		case 'c':
			if (!sp.left)
				pad(o, sp.width - 1, ' ');
			put(o, (char)va_arg(*ap, int));
			if (sp.left)
				pad(o, sp.width - 1, ' ');
			break;
		case '%':
			put(o, '%');
			break;
		case 0: /* a lone '%' at the end */
			return;
		default: /* unknown: print it as it stands */
			put(o, '%');
			put(o, *fmt);
		}
	}
}

int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct out o = {buf, n ? n - 1 : 0, 0, 0, 0};
	va_list copy;

	va_copy(copy, ap);
	format(&o, fmt, &copy);
	va_end(copy);
	if (n)
		buf[o.len] = 0;
	return (int)o.total;
}

int snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

int printf(const char *fmt, ...)
{
	char chunk[128];
	struct out o = {chunk, sizeof(chunk), 0, 0, 1};
	va_list ap;

	va_start(ap, fmt);
	format(&o, fmt, &ap);
	va_end(ap);
	flush(&o);
	return (int)o.total;
}
