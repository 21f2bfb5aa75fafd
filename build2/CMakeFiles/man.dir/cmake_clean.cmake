file(REMOVE_RECURSE
  "CMakeFiles/man"
  "man/bounce-analyzer-analyze.1"
  "man/bounce-analyzer-classify.1"
  "man/bounce-analyzer-config.1"
  "man/bounce-analyzer-config.5"
  "man/bounce-analyzer-explain.1"
  "man/bounce-analyzer-export.1"
  "man/bounce-analyzer-import.1"
  "man/bounce-analyzer-incidents.1"
  "man/bounce-analyzer-ingest.1"
  "man/bounce-analyzer-prune.1"
  "man/bounce-analyzer-reclassify.1"
  "man/bounce-analyzer-report.1"
  "man/bounce-analyzer-rules.1"
  "man/bounce-analyzer-rules.5"
  "man/bounce-analyzer-search.1"
  "man/bounce-analyzer-serve.1"
  "man/bounce-analyzer-why.1"
  "man/bounce-analyzer.1"
)

# Per-language clean rules from dependency scanning.
foreach(lang )
  include(CMakeFiles/man.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
