"""Every write of the mydata app: exports, account deletion, retention."""
