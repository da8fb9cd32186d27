// What a new manifest starts from in the Builder: the smallest useful manifest, every part named,
// to be edited into the API at hand.
export const NEW_MANIFEST_TEMPLATE = `version: "1"
name: My API
spec:
  connection_specification:
    type: object
    required: [base_url, api_key]
    properties:
      base_url: { type: string, title: Base URL, examples: ["https://api.example.com/v1"] }
      api_key: { type: string, title: API key, secret: true }
base_url: "{{ config.base_url }}"
auth:
  type: bearer
  token: "{{ config.api_key }}"
streams:
  - name: items
    path: /items
    record_selector: { path: data }
    primary_key: id
    pagination: { type: page_number, page_size: 50 }
`;
