/* The shipped rule set and one context on it, loaded once per fuzzing
 * process and shared by the fuzz targets (fuzz-message.c, fuzz-classify.c). */
#ifndef BA_FUZZ_RULES_H
#define BA_FUZZ_RULES_H

#include "bounce-analyzer.h"

/* The context on BA_FUZZ_RULES_DIR's rules; aborts when a rule file has an
 * error, since fuzzing a partial rule set would test something else than
 * we ship. */
ba_context *ba_fuzz_context (void);

#endif
