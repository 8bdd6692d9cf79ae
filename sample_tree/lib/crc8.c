// lib/crc8.c
#include <linux/kernel.h>

static inline u8 crc8_byte(u8 crc)
{
	int bit;

	for (bit = 0; bit < 8; bit++)
		crc = (crc & 0x80) ? (u8)((crc << 1) ^ 0x07) : (u8)(crc << 1);
	return crc;
}

#ifdef CONFIG_CRC8_TABLE
/* Table-driven variant: selected by drivers that checksum a lot (NET_STATS) */
static u8 crc8_table[256];

u8 crc8(const u8 *data, size_t len)
{
	u8 crc = 0;
	size_t i;

	if (!crc8_table[1])
		for (i = 0; i < 256; i++)
			crc8_table[i] = crc8_byte((u8)i);
	for (i = 0; i < len; i++)
		crc = crc8_table[crc ^ data[i]];
	return crc;
}
#else
u8 crc8(const u8 *data, size_t len)
{
	u8 crc = 0;
	size_t i;

	for (i = 0; i < len; i++)
		crc = crc8_byte(crc ^ data[i]);
	return crc;
}
#endif
