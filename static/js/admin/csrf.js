// The CSRF token of the admin form the editor sits in (the cookie is HttpOnly, so the form is the source).
export function csrfToken() {
  const input = document.querySelector('input[name="csrfmiddlewaretoken"]');
  return input ? input.value : "";
}

export function formData(fields) {
  const data = new FormData();
  data.append("csrfmiddlewaretoken", csrfToken());
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
}

export async function postForm(url, fields) {
  const response = await fetch(url, {
    method: "POST",
    body: fields instanceof FormData ? fields : formData(fields),
    credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
  });
  let payload = {};
  try {
    payload = await response.json();
  } catch {
    payload = { error: `The server answered ${response.status}.` };
  }
  return { ok: response.ok, status: response.status, payload };
}
