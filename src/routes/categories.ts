import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { ProblemError } from '../plugins/problems.js'
import { findCategory, listCategories } from '../queries/categories.js'
import {
  CategoryListSchema,
  CategoryParamsSchema,
  CategorySchema,
  NoQuerySchema,
} from '../schemas/catalog.js'
import { problemResponses } from '../schemas/problem.js'
import { CategoryResourcesQuerySchema, resourceListResponses } from '../schemas/resources.js'
import { answerResourceList } from './resource-list.js'

const categories: FastifyPluginAsyncZod = async (app) => {
  function categoryOr404(text: string) {
    const all = listCategories(app.db)
    const category = findCategory(all, text)
    if (!category) {
      const slugs = all.map((c) => c.slug)
      throw new ProblemError(404, 'unknown_category', `No category "${text}"; valid: ${slugs.join(', ')}.`, [
        { param: 'slug', message: 'unknown category', allowed: slugs },
      ])
    }
    return category
  }

  app.get(
    '/categories',
    {
      schema: {
        operationId: 'listCategories',
        summary: 'All categories, in page order, with resource counts',
        description: 'Every section of the page, in page order, each with how many resources it holds.',
        tags: ['categories'],
        querystring: NoQuerySchema,
        response: { 200: CategoryListSchema, 400: problemResponses[400] },
      },
    },
    async () => ({ data: listCategories(app.db) }),
  )

  app.get(
    '/categories/:slug',
    {
      schema: {
        operationId: 'getCategory',
        summary: 'One category',
        description:
          'A category by slug or display name, forgiving case, spaces and underscores (general, "Python images", python_specific). 404 lists the valid slugs.',
        tags: ['categories'],
        params: CategoryParamsSchema,
        querystring: NoQuerySchema,
        response: { 200: CategorySchema, 400: problemResponses[400], 404: problemResponses[404] },
      },
    },
    async (request) => categoryOr404(request.params.slug),
  )

  app.get(
    '/categories/:slug/resources',
    {
      schema: {
        operationId: 'listCategoryResources',
        summary: "A category's resources",
        description:
          'The resource list with the category fixed; takes every other parameter of /v1/resources.',
        tags: ['categories', 'resources'],
        params: CategoryParamsSchema,
        querystring: CategoryResourcesQuerySchema,
        response: { ...resourceListResponses, 400: problemResponses[400], 404: problemResponses[404] },
      },
    },
    async (request, reply) => {
      const category = categoryOr404(request.params.slug)
      return answerResourceList(app.db, request, reply, { ...request.query, category: [category.slug] })
    },
  )
}

export default categories
