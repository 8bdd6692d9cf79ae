/* kernel/blob.h - the size of the blob's table */
#define BLOB_WORDS 4
