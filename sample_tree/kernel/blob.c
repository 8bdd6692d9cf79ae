// kernel/blob.c - compiled into blob.o, whose .rodata becomes blob.bin
#include "blob.h"

const int blob_words[BLOB_WORDS] = { 1, 2, 3, 4 };
