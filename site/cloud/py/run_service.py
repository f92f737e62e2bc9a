"""Run an OpenStack service whose Debian package (nova-compute, cinder-volume) would pull in a
hypervisor or block-storage stack: run_service.py MODULE PROGNAME ARGS... calls MODULE.main()."""
import importlib
import sys

module, prog = sys.argv[1], sys.argv[2]
sys.argv = [prog] + sys.argv[3:]
sys.exit(importlib.import_module(module).main())
