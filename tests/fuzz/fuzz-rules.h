/* The shipped rule set and one context on it, loaded once per fuzzing
 * process and shared by the fuzz targets (fuzz-message.c, fuzz-classify.c),
 * and the features that tell the fuzzer which of its rules an input reached. */
#ifndef BA_FUZZ_RULES_H
#define BA_FUZZ_RULES_H

#include "bounce-analyzer.h"

/* The context on BA_FUZZ_RULES_DIR's rules; aborts when a rule file has an
 * error, since fuzzing a partial rule set would test something else than
 * we ship. */
ba_context *ba_fuzz_context (void);

/* Count the outcome @name of kind @kind ("format", "rule", ...) as a
 * libFuzzer feature: formats and rules are data, so reaching one or
 * another runs the same C code, and edge coverage alone cannot tell an
 * input that reaches a new rule from one that does not. */
void ba_fuzz_feature (const char *kind, const char *name);

#endif
