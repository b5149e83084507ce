# Warnings are errors, for every target of the project.
function(rex_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                         -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wnull-dereference
                         -Wimplicit-fallthrough -Werror
                         # GCC 12 reports std::optional members of nested aggregates (the
                         # generated property structs) as "may be used uninitialized" at -O2:
                         # GCC bug 80635, a false positive. -Wuninitialized stays on, and the
                         # sanitizer build checks real uses.
                         $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized>
                         # GCC 12 at -O3 (the Release build of scripts/quickstart) reports
                         # std::string concatenations inlined from libstdc++ as overlapping
                         # memcpy: GCC bug 105329, a false positive. The sanitizer build
                         # checks real overlaps.
                         $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict>)
endfunction()

if(REX_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
