file(REMOVE_RECURSE
  "CMakeFiles/test-json.dir/unit/test-json.c.o"
  "CMakeFiles/test-json.dir/unit/test-json.c.o.d"
  "test-json"
  "test-json.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test-json.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
