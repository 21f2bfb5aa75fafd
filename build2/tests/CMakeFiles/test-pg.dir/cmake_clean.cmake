file(REMOVE_RECURSE
  "CMakeFiles/test-pg.dir/unit/test-pg.c.o"
  "CMakeFiles/test-pg.dir/unit/test-pg.c.o.d"
  "test-pg"
  "test-pg.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test-pg.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
