/* test_hash.c - hex digits both ways (lib/hash.h) */
#include <string.h>

#include "hash.h"
#include "harness.h"

static void unhex(void)
{
	static const struct { const char *hex; int ok; unsigned char want[4]; } t[] = {
		{ "00ff7f80", 0, { 0x00, 0xff, 0x7f, 0x80 } },
		{ "DEADbeef", 0, { 0xde, 0xad, 0xbe, 0xef } },
		{ "0123abcd", 0, { 0x01, 0x23, 0xab, 0xcd } },
		{ "0g000000", -1, { 0 } },     /* past 'f' */
		{ "G0000000", -1, { 0 } },
		{ "00 00000", -1, { 0 } },     /* a space */
		{ "000000\xff" "0", -1, { 0 } }, /* a byte above 127 */
		{ "0000/000", -1, { 0 } },     /* just below '0' */
		{ "0000:000", -1, { 0 } },     /* just above '9' */
		{ "0000@000", -1, { 0 } },     /* just below 'A' */
		{ "000000`0", -1, { 0 } },     /* just below 'a' */
		{ "000000", -1, { 0 } },       /* the NUL where a digit should be */
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		unsigned char got[4] = { 0 };
		int r = tlpress_unhex(t[i].hex, 4, got);

		INT_EQ(r, t[i].ok, "unhex '%s'", t[i].hex);
		if (!t[i].ok)
			OK(!memcmp(got, t[i].want, 4), "unhex '%s': the bytes", t[i].hex);
	}
}

static void roundtrip(void)
{
	unsigned char all[256], back[256];
	char hex[2 * 256 + 1];
	size_t i;

	for (i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	tlpress_hex(all, sizeof(all), hex);
	OK(strlen(hex) == 512 && !strncmp(hex, "000102", 6) && !strcmp(hex + 506, "fdfeff"),
	   "hex of every byte, lower-case");
	INT_EQ(tlpress_unhex(hex, sizeof(back), back), 0, "read back");
	OK(!memcmp(all, back, sizeof(all)), "the same bytes");
}

int main(void)
{
	unhex();
	roundtrip();
	return harness_done();
}
