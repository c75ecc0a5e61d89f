/** Keygen's error bodies (keygen-api app/controllers/application_controller.rb): `errors[].title/detail/code/source`, thrown by routes. */

export interface ErrorObject {
  title: string;
  detail?: string;
  code?: string;
  source?: { pointer?: string; parameter?: string; header?: string };
  links?: { about: string };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: ErrorObject[],
    readonly headers: Record<string, string> = {},
  ) {
    super(errors.map((e) => e.detail ?? e.title).join('; '));
  }
}

const pointer = (path: string | undefined) => (path ? { source: { pointer: path } } : {});

/** A record the bearer can't see, by Keygen's name for its model ("license", "webhook endpoint"). */
export function notFound(model: string, id: string): ApiError {
  return new ApiError(404, [
    {
      title: 'Not found',
      detail: `The requested ${model} '${id}' was not found`,
      code: 'NOT_FOUND',
    },
  ]);
}

export function routeNotFound(): ApiError {
  return new ApiError(404, [
    {
      title: 'Not found',
      detail:
        'The requested endpoint was not found (check your HTTP method, Accept header, and URL path)',
      code: 'NOT_FOUND',
    },
  ]);
}

const TOKEN_DOCS = 'https://keygen.sh/docs/api/authentication/#token-authentication';

export function unauthorized(
  code: 'TOKEN_MISSING' | 'TOKEN_INVALID' | 'TOKEN_FORMAT_INVALID',
  detail?: string,
): ApiError {
  return new ApiError(
    401,
    [
      {
        title: 'Unauthorized',
        detail: detail ?? 'You must be authenticated to complete the request',
        code,
        links: {
          about:
            code === 'TOKEN_MISSING' ? 'https://keygen.sh/docs/api/authentication/' : TOKEN_DOCS,
        },
      },
    ],
    { 'WWW-Authenticate': 'Bearer realm="keygen"' },
  );
}

export function forbidden(detail = 'You do not have permission to complete the request'): ApiError {
  return new ApiError(403, [{ title: 'Access denied', detail }]);
}

/** A controller-level 422: usually no code, known by its detail and pointer. */
export function unprocessableEntity(detail: string, at?: string, code?: string): ApiError {
  return new ApiError(422, [
    { title: 'Unprocessable entity', detail, ...(code ? { code } : {}), ...pointer(at) },
  ]);
}

export interface ModelError {
  detail: string;
  code: string;
  pointer: string;
}

/** A model validation 422 (`<ATTRIBUTE>_<TYPE>` codes); Keygen sends an empty list for some. */
export function invalidResource(...errors: ModelError[]): ApiError {
  return new ApiError(
    422,
    errors.map((e) => ({
      title: 'Unprocessable resource',
      detail: e.detail,
      code: e.code,
      source: { pointer: e.pointer },
    })),
  );
}

export function badRequest(detail: string, source: ErrorObject['source'], code?: string): ApiError {
  return new ApiError(400, [{ title: 'Bad request', detail, ...(code ? { code } : {}), source }]);
}
