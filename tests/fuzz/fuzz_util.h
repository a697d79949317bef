/* fuzz_util.h - shared pieces of the fuzz harnesses (docs/dev/fuzzing.md).
 * Every harness is a libFuzzer entry point LLVMFuzzerTestOneInput, built by
 * clang -fsanitize=fuzzer or by AFL++'s afl-clang-fast (CMake PEL_FUZZ).
 * Parsers that take a path get the input through one scratch file per
 * process, rewritten for every input. */
#ifndef PEL_FUZZ_UTIL_H
#define PEL_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Write data to this process's scratch file; returns its path (static). */
static inline const char *fuzz_file(const uint8_t *data, size_t size, const char *suffix)
{
    static char path[128];
    if (!path[0]) {
        const char *dir = getenv("TMPDIR");
        snprintf(path, sizeof path, "%s/pel_fuzz_%ld%s", dir && *dir ? dir : "/tmp", (long)getpid(), suffix);
    }
    FILE *fp = fopen(path, "wb");
    if (!fp)
        abort(); /* the harness itself cannot work: not a finding */
    if (size && fwrite(data, 1, size, fp) != size)
        abort();
    fclose(fp);
    return path;
}

/* Write a checkpoint file framed as src/atoms/ckfile.h does (8-byte magic,
 * u64 payload length, payload, u64 FNV-1a hash of the payload), the payload
 * being pre[0..npre) then data[0..size): a harness frames the input itself so
 * that mutations reach the payload parser instead of stopping at the hash.
 * Returns the scratch file's path (static). */
static inline const char *fuzz_ck_file(const char magic[8], const uint8_t *pre, size_t npre, const uint8_t *data,
                                       size_t size)
{
    uint64_t len = npre + size, h = 1469598103934665603ULL;
    uint8_t *file = malloc(len + 24);
    if (!file)
        abort();
    memcpy(file, magic, 8);
    memcpy(file + 8, &len, 8);
    if (npre)
        memcpy(file + 16, pre, npre);
    if (size)
        memcpy(file + 16 + npre, data, size);
    for (size_t i = 0; i < len; i++) {
        h ^= file[16 + i];
        h *= 1099511628211ULL;
    }
    memcpy(file + 16 + len, &h, 8);
    const char *path = fuzz_file(file, len + 24, ".ck");
    free(file);
    return path;
}

/* A NUL-terminated copy of the input (caller frees). */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* 1 when PEL_FUZZ_VERBOSE is set: FUZZ_CHECK_ERROR then prints each
 * verdict, to see what a seed or a finding does (docs/dev/fuzzing.md). */
static inline int fuzz_verbose(void)
{
    static int v = -1;
    if (v < 0)
        v = getenv("PEL_FUZZ_VERBOSE") != NULL;
    return v;
}

/* A parser must set a message on every failure: an empty one would print
 * "pel <cmd>: " and nothing else. */
#define FUZZ_CHECK_ERROR(rc, err)                                                                                    \
    do {                                                                                                             \
        if (fuzz_verbose())                                                                                          \
            fprintf(stderr, "fuzz: rc=%d %s\n", (int)(rc), (rc) ? (err).msg : "");                                   \
        if ((rc) != 0 && (err).msg[0] == '\0')                                                                       \
            abort();                                                                                                 \
    } while (0)

#endif
