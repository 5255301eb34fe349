# Libraries that more than one product links, so that what they share lives
# in one place: fbsummary (the summary formulas and summary.csv's columns:
# the run's writers and plots/) and fbjson (every JSON read, through json-c:
# plots/, fitbench-bench --ns-table and `fitbench programs`). Included by
# harness/CMakeLists.txt.
find_package(PkgConfig REQUIRED)
pkg_check_modules(JSONC REQUIRED IMPORTED_TARGET json-c)

add_library(fbsummary STATIC ${CMAKE_CURRENT_LIST_DIR}/summary.c)
target_include_directories(fbsummary PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(fbsummary PRIVATE m)

add_library(fbjson STATIC ${CMAKE_CURRENT_LIST_DIR}/jread.c ${CMAKE_CURRENT_LIST_DIR}/gbout.c)
target_include_directories(fbjson PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(fbjson PUBLIC PkgConfig::JSONC PRIVATE m)
