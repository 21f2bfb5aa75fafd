file(REMOVE_RECURSE
  "CMakeFiles/bench-parse-only.dir/tests/bench/parse-only.c.o"
  "CMakeFiles/bench-parse-only.dir/tests/bench/parse-only.c.o.d"
  "bench-parse-only"
  "bench-parse-only.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/bench-parse-only.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
