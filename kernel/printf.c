/* printf.c - a small vsnprintf and kprintf over the serial console. */
#include "console.h"

struct out {
	char *buf;
	size_t size;
	size_t len;
	bool to_serial;
};

static void put(struct out *o, char c)
{
	if (o->to_serial) {
		serial_putc(c);
		screen_putc(c);
	}
	else if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_padded(struct out *o, const char *s, size_t n, int width,
		       bool left, char pad)
{
	int fill = width > (int)n ? width - (int)n : 0;

	if (!left && pad == '0' && n && (*s == '-')) {
		put(o, *s++);
		n--;
	}
	for (; !left && fill > 0; fill--)
		put(o, pad);
	while (n--)
		put(o, *s++);
	for (; left && fill > 0; fill--)
		put(o, ' ');
}

static size_t format_number(char *tmp, u64 v, unsigned base, bool upper,
			    bool negative)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char rev[24];
	size_t n = 0, len = 0;

	do {
		rev[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (negative)
		tmp[len++] = '-';
	while (n)
		tmp[len++] = rev[--n];
	return len;
}



static int kvsnprintf_out(struct out *o, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(o, *fmt);
			continue;
		}
		bool left = false;
		char pad = ' ';
		int width = 0, lng = 0;
		for (fmt++; *fmt == '-' || *fmt == '0'; fmt++) {
			if (*fmt == '-')
				left = true;
			else
				pad = '0';
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (*fmt - '0');
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			lng++;
		char tmp[24];
		size_t n;
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			size_t len = 0;
			while (s[len])
				len++;
			put_padded(o, s, len, width, left, ' ');
			continue;
		}
		case 'c':
			tmp[0] = (char)va_arg(ap, int);
			put_padded(o, tmp, 1, width, left, ' ');
			continue;
		case 'd':
		case 'i': {
			i64 v = lng ? va_arg(ap, i64) : va_arg(ap, int);
			u64 mag = v < 0 ? (u64)0 - (u64)v : (u64)v;
			n = format_number(tmp, mag, 10, false, v < 0);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			u64 v = lng ? va_arg(ap, u64) : va_arg(ap, unsigned);
			n = format_number(tmp, v, *fmt == 'u' ? 10 : 16,
					  *fmt == 'X', false);
			break;
		}
		case 'p':
			put(o, '0');
			put(o, 'x');
			n = format_number(tmp, (u64)va_arg(ap, void *), 16,
					  false, false);
			width = 16;
			pad = '0';
			break;
		case '%':
			put(o, '%');
			continue;
		default:
			put(o, '%');
			if (*fmt)
				put(o, *fmt);
			else
				fmt--;
			continue;
		}
		put_padded(o, tmp, n, width, left, pad);
	}
	return (int)o->len;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {.buf = buf, .size = size};
	int n = kvsnprintf_out(&o, fmt, ap);
	if (size)
		buf[MIN(o.len, size - 1)] = '\0';
	return n;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int kvprintf(const char *fmt, va_list ap)
{
	struct out o = {.to_serial = true};
	return kvsnprintf_out(&o, fmt, ap);
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}
