"""Web push: a member's devices, what each kind of notification pushes, and
sending through the Web Push protocol with VAPID (docs/push.md)."""
