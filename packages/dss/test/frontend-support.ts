/** The front-end tests' receiver and form client, shared with the example application's tests. */
export * from "@trustspec-private/test-support/dss-frontend";
