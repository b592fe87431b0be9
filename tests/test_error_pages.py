"""Error pages say what happened in the user's words, with nothing from the database."""

from django.test import Client


def test_a_request_over_the_size_limit_gets_a_page_that_says_what_to_do(db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/accounts/login/",
        {"csrfmiddlewaretoken": token, "username": "x" * 5000, "password": "y"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "请将文档作为文件上传" in text  # Simplified Chinese, the default language
    assert "Traceback" not in text
