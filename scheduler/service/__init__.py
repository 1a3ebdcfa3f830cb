"""Use cases around the pure core: plan, import, publish, enqueue, dispatch. The only layer that
opens database sessions on the core's behalf."""
