file(REMOVE_RECURSE
  "libbounce.a"
)
