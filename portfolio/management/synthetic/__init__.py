"""A large synthetic portfolio for measuring the portfolio pages (manage.py generate_portfolio)."""
