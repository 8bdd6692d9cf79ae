// lib/crc8.c
#include <linux/kernel.h>

u8 crc8(const u8 *data, size_t len)
{
	u8 crc = 0;
	size_t i;
	int bit;

	for (i = 0; i < len; i++) {
		crc ^= data[i];
		for (bit = 0; bit < 8; bit++)
			crc = (crc & 0x80) ? (u8)((crc << 1) ^ 0x07) : (u8)(crc << 1);
	}
	return crc;
}
