"""Steps shared by the use cases (never a use case itself): job lifecycle, fan-out and
task dispatch, work-file artifacts, metering, rendering, Sieve, removal, delivery rules."""
