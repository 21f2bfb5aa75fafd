file(REMOVE_RECURSE
  "CMakeFiles/test-terminal.dir/unit/test-terminal.c.o"
  "CMakeFiles/test-terminal.dir/unit/test-terminal.c.o.d"
  "test-terminal"
  "test-terminal.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test-terminal.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
