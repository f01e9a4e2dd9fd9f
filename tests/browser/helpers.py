"""What the browser journeys share."""


def press(page, name):
    """Follow a link or press a button by its text (GOV.UK start links are role=button)."""
    page.get_by_role("link", name=name, exact=True).or_(
        page.get_by_role("button", name=name, exact=True)
    ).first.click()
