file(REMOVE_RECURSE
  "CMakeFiles/test-storage.dir/unit/test-storage.c.o"
  "CMakeFiles/test-storage.dir/unit/test-storage.c.o.d"
  "test-storage"
  "test-storage.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test-storage.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
