export const BENCH_SIGNING_SECRET = 'bench-signing-secret-0123456789';
