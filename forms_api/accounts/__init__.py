"""Back-office accounts: who they are (model), who may do what and see which cases (access), and their passwords and
invitations (passwords). Pure apart from hashing: the accounts are kept by a store (forms_api/store/accounts.py)."""
