# Libraries that more than one product links, so that what they share lives
# in one place: fbsummary (the summary formulas and summary.csv's columns:
# the run's writers and plots/). Included by harness/CMakeLists.txt.

add_library(fbsummary STATIC ${CMAKE_CURRENT_LIST_DIR}/summary.c)
target_include_directories(fbsummary PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(fbsummary PRIVATE m)
