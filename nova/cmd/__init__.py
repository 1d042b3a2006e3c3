"""Entry points of nova's console scripts, one module per binary.

Each module exposes ``main()``, named in setup.cfg's console_scripts. A
``main()`` parses configuration (``nova.config.parse_args``), sets up what
its binary needs and returns the process exit status or runs until stopped.
"""
