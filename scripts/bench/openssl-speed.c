/* Times OpenSSL 3 + gost engine on the operations crates/gost/examples/speed.rs times, printing
 * "openssl <op> <param-set> <ops-per-second>" (and MB/s for streebog). Built and run by
 * scripts/bench-vs-openssl. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/engine.h>
#include <openssl/evp.h>
#include <openssl/err.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what) {
    fprintf(stderr, "openssl-speed: %s failed\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}

static EVP_PKEY *keygen(ENGINE *e, int nid, const char *paramset) {
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(nid, e);
    EVP_PKEY *key = NULL;
    if (!ctx || EVP_PKEY_keygen_init(ctx) <= 0) die("keygen init");
    if (EVP_PKEY_CTX_ctrl_str(ctx, "paramset", paramset) <= 0) die("paramset");
    if (EVP_PKEY_keygen(ctx, &key) <= 0) die("keygen");
    EVP_PKEY_CTX_free(ctx);
    return key;
}

static void bench_set(ENGINE *e, int nid, const char *paramset, const char *name, size_t dlen, double secs) {
    unsigned char digest[64], sig[128];
    size_t siglen;
    memset(digest, 0x5a, sizeof digest);
    long n; double t0;

    for (n = 0, t0 = now(); now() - t0 < secs; n++) EVP_PKEY_free(keygen(e, nid, paramset));
    printf("openssl keygen %s %.0f\n", name, n / (now() - t0));

    EVP_PKEY *key = keygen(e, nid, paramset);
    EVP_PKEY_CTX *sctx = EVP_PKEY_CTX_new(key, e);
    if (!sctx || EVP_PKEY_sign_init(sctx) <= 0) die("sign init");
    for (n = 0, t0 = now(); now() - t0 < secs; n++) {
        siglen = sizeof sig;
        if (EVP_PKEY_sign(sctx, sig, &siglen, digest, dlen) <= 0) die("sign");
    }
    printf("openssl sign %s %.0f\n", name, n / (now() - t0));

    EVP_PKEY_CTX *vctx = EVP_PKEY_CTX_new(key, e);
    if (!vctx || EVP_PKEY_verify_init(vctx) <= 0) die("verify init");
    for (n = 0, t0 = now(); now() - t0 < secs; n++) {
        if (EVP_PKEY_verify(vctx, sig, siglen, digest, dlen) != 1) die("verify");
    }
    printf("openssl verify %s %.0f\n", name, n / (now() - t0));
    EVP_PKEY_CTX_free(sctx);
    EVP_PKEY_CTX_free(vctx);
    EVP_PKEY_free(key);
}

int main(int argc, char **argv) {
    double secs = argc > 1 ? atof(argv[1]) : 1.0;
    ENGINE_load_builtin_engines();
    ENGINE *e = ENGINE_by_id("gost");
    if (!e || !ENGINE_init(e)) die("loading the gost engine");
    ENGINE_set_default(e, ENGINE_METHOD_ALL);

    bench_set(e, NID_id_GostR3410_2012_256, "A", "cryptopro-a", 32, secs);
    bench_set(e, NID_id_GostR3410_2012_256, "B", "cryptopro-b", 32, secs);
    bench_set(e, NID_id_GostR3410_2012_256, "C", "cryptopro-c", 32, secs);
    bench_set(e, NID_id_GostR3410_2012_256, "TCA", "tc26-256-a", 32, secs);
    bench_set(e, NID_id_GostR3410_2012_512, "A", "tc26-512-a", 64, secs);
    bench_set(e, NID_id_GostR3410_2012_512, "B", "tc26-512-b", 64, secs);
    bench_set(e, NID_id_GostR3410_2012_512, "C", "tc26-512-c", 64, secs);

    const EVP_MD *md = EVP_get_digestbyname("md_gost12_256");
    if (!md) die("md_gost12_256");
    static unsigned char buf[1 << 20];
    unsigned char out[64];
    unsigned int outlen;
    memset(buf, 0x5a, sizeof buf);
    long n; double t0;
    for (n = 0, t0 = now(); now() - t0 < secs; n++)
        if (!EVP_Digest(buf, sizeof buf, out, &outlen, md, e)) die("digest");
    printf("openssl streebog256 1MiB %.1f\n", n * (double)sizeof buf / 1e6 / (now() - t0));
    ENGINE_finish(e);
    ENGINE_free(e);
    return 0;
}
