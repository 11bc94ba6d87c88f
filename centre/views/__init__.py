"""The command centre's and the departments' pages: thin views that check, call the domain, render."""
