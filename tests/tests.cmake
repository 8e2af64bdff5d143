# Test tiers beyond the unit tests: fixture repositories and end-to-end runs of the real binary.

# Tier 2: every invalid fixture is checked and its diagnostics compared exactly.
file(GLOB FIXTURE_CASES LIST_DIRECTORIES true ${CMAKE_SOURCE_DIR}/tests/fixtures/invalid/*)
foreach(case_dir IN LISTS FIXTURE_CASES)
  if(IS_DIRECTORY ${case_dir})
    get_filename_component(case_name ${case_dir} NAME)
    add_test(NAME fixture.${case_name}
             COMMAND bash ${CMAKE_SOURCE_DIR}/tests/run_fixture.sh $<TARGET_FILE:nines> ${case_dir})
  endif()
endforeach()

# The example organisation is the valid fixture: it must check clean.
add_test(NAME fixture.valid-content
         COMMAND bash ${CMAKE_SOURCE_DIR}/tests/run_fixture.sh $<TARGET_FILE:nines>
                 ${CMAKE_SOURCE_DIR}/content ${CMAKE_SOURCE_DIR}/tests/fixtures/valid)

# Tier 3: end-to-end runs of the binary (output formats, exit codes, hostile input).
add_test(NAME e2e.check
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/e2e/test_check.py $<TARGET_FILE:nines>
                 ${CMAKE_SOURCE_DIR})
add_test(NAME e2e.build
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/e2e/test_build.py $<TARGET_FILE:nines>
                 ${CMAKE_SOURCE_DIR})
add_test(NAME e2e.commands
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/e2e/test_commands.py $<TARGET_FILE:nines>
                 ${CMAKE_SOURCE_DIR})
add_test(NAME e2e.site
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/e2e/test_site.py $<TARGET_FILE:nines>
                 ${CMAKE_SOURCE_DIR})
add_test(NAME e2e.browser
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/e2e/test_browser.py $<TARGET_FILE:nines>
                 ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}/browser-artifacts)
add_test(NAME e2e.prometheus
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/e2e/test_prometheus.py $<TARGET_FILE:nines>
                 ${CMAKE_SOURCE_DIR})
set_tests_properties(e2e.prometheus PROPERTIES TIMEOUT 600)
