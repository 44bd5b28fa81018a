import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadCategoryMap } from '../../src/ingest/category-map.js'
import { resourceId } from '../../src/ingest/normalize-url.js'
import { parsePage } from '../../src/ingest/parse-page.js'
import { readPage } from '../../src/ingest/read-page.js'
import { type ParsedPage, ResourceRecordSchema } from '../../src/ingest/record.js'
import { repoRoot } from './helpers.js'

const pagePath = join(repoRoot, 'seed', 'docker.markdown')
const pageText = readFileSync(pagePath, 'utf8')
const pageLines = pageText.split('\n')

const INTRO =
  'Docker (source code for core Docker project) is an infrastructure management platform for running and deploying software. The Docker platform is evolving so an exact definition is currently a moving target, but the core idea behind Docker is that operating system-level containers are used as an abstraction layer on top of regular servers for deployment and application operations.'

// [category, title, url, description] in page order.
const EXPECTED: Array<[string, string, string, string]> = [
  ['core', 'Docker', 'https://docs.docker.com/', INTRO],
  ['core', 'source code for core Docker project', 'https://github.com/docker/docker', INTRO],
  [
    'python-images',
    'a Flask application configured to run with uWSGI and Nginx',
    'https://github.com/tiangolo/uwsgi-nginx-flask-docker',
    'This Docker image contains a Flask application configured to run with uWSGI and Nginx. You can also see the image on Docker hub.',
  ],
  [
    'python-images',
    'minimal-docker-python-setup',
    'https://github.com/OrangeTux/minimal-docker-python-setup',
    'minimal-docker-python-setup contains an image with Nginx, uWSGI, Redis and Flask.',
  ],
  [
    'general',
    'Beginners guide to Docker',
    'https://www.learncloudnative.com/blog/2020-04-29-beginners-guide-to-docker/',
    'Beginners guide to Docker explains what it is, the difference between containers and virtual machines, and then provides a hands-on walkthrough command-driven tutorial.',
  ],
  [
    'general',
    'What is Docker and When to Use It',
    'https://www.ctl.io/developers/blog/post/what-is-docker-and-when-to-use-it/',
    "What is Docker and When to Use It clearly delineates what Docker is and what it isn't. This is a good article for when you're first wrapping your head around Docker conceptually.",
  ],
  [
    'general',
    'rubber-docker',
    'https://github.com/Fewbytes/rubber-docker',
    "rubber-docker is an open source repository and tutorial that shows you how to recreate a simplified version of Docker to better understand what it's doing under the hood.",
  ],
  [
    'general',
    'Docker curriculum',
    'http://prakhar.me/docker-curriculum/',
    'Docker curriculum is a detailed tutorial created by a developer to show the exact steps for deploying an application that relies on Elasticsearch.',
  ],
  [
    'general',
    'It Really is the Future',
    'http://blog.circleci.com/it-really-is-the-future/',
    "It Really is the Future discusses Docker and containers in the context of whether it's all just a bunch of hype or if this is a real trend for infrastructure automation. This is a great read to set the context for why these tools are important.",
  ],
  [
    'general',
    'Docker Jumpstart',
    'https://github.com/odewahn/docker-jumpstart/',
    'Docker Jumpstart is a comprehensive introduction to what Docker is and how to get started with using the tool.',
  ],
  [
    'general',
    'for setting up your Docker workflow on OS X in 60 seconds',
    'https://www.twilio.com/blog/2015/07/docker-workflow-on-osx-in-60-seconds.html',
    'If you want to quickly use Docker on Mac OS X, check out these concise instructions for setting up your Docker workflow on OS X in 60 seconds.',
  ],
  [
    'general',
    'What the Bleep is Docker?',
    'http://pythonforengineers.com/what-the-bleep-is-docker/',
    'What the Bleep is Docker? is a plain English explanation with examples of what Docker provides and what it can be used for in your environment.',
  ],
  [
    'general',
    'Docker in Practice - A Guide for Engineers',
    'https://zwischenzugs.wordpress.com/2015/03/14/docker-in-practice-a-guide-for-engineers/',
    'Docker in Practice - A Guide for Engineers is an explanation of the concepts and philosophy by the authors of the new Manning Docker book in early access format.',
  ],
  [
    'general',
    'Building Docker containers from scratch',
    'http://datakurre.pandala.org/2015/07/building-docker-containers-from-scratch.html',
    'Building Docker containers from scratch is a short tutorial for creating a Docker container with a specific configuration.',
  ],
  [
    'general',
    'Docker Internals',
    'http://docker-saigon.github.io/post/Docker-Internals/',
    'Docker Internals presents Linux containers and how Docker uses them as its base for how the project works. This article is a great way to bridge what you know about Docker with a more traditional Linux operating system architecture understanding.',
  ],
  [
    'general',
    'Improve your Dockerfile, best practices',
    'https://dev.to/azure/improve-your-dockerfile-best-practices-5ll',
    'Improve your Dockerfile, best practices covers image size, layers, starting scripts and LABEL.',
  ],
  [
    'general',
    'comparison of Docker GUIs',
    'https://blog.codeship.com/docker-guis/',
    'This post gives an overview and comparison of Docker GUIs which can be handy for monitoring your Docker containers.',
  ],
  [
    'python-specific',
    'Dockering Django, uWSGI and PostgreSQL the serious way',
    'https://www.eidel.io/2017/07/10/dockerizing-django-uwsgi-postgres/',
    'Dockering Django, uWSGI and PostgreSQL the serious way walks through both the code and the error messages that will likely crop up as you attempt to container-ize a Django project that uses a PostgreSQL database on the backend.',
  ],
  [
    'python-specific',
    'How to deploy Django using Docker',
    'https://www.stavros.io/posts/how-deploy-django-docker/',
    'How to deploy Django using Docker assumes you already have the basic grasp of working with Docker and jumps right into a Django deployment. The post shows you how to set up your Dockerfile and explains that GitLab CI can be used to to build this Docker image.',
  ],
  [
    'python-specific',
    'Hosting Python WSGI applications using Docker',
    'http://blog.dscpl.com.au/2014/12/hosting-python-wsgi-applications-using.html',
    'Hosting Python WSGI applications using Docker shows how to use Docker in WSGI application deployments specifically using mod_wsgi.',
  ],
  [
    'python-specific',
    'How to Containerize Python Web Applications',
    'https://www.digitalocean.com/community/tutorials/docker-explained-how-to-containerize-python-web-applications',
    'How to Containerize Python Web Applications is an extensive tutorial that uses a Flask application and deploys it using a Docker container.',
  ],
  [
    'python-specific',
    'How to use Django, PostgreSQL, and Docker',
    'https://wsvincent.com/django-docker-postgresql/',
    'How to use Django, PostgreSQL, and Docker shows how to get a Django project that uses PostgreSQL as its back end running in Docker.',
  ],
  [
    'python-specific',
    'Docker in Action - Fitter, Happier, More Productive',
    'https://realpython.com/blog/python/docker-in-action-fitter-happier-more-productive/',
    'Docker in Action - Fitter, Happier, More Productive is a killer tutorial that shows how to combine Docker with CircleCI to continuously deploy a Flask application.',
  ],
  [
    'python-specific',
    'Building smaller Python Docker images',
    'https://simonwillison.net/2018/Nov/19/smaller-python-docker-images/',
    'Building smaller Python Docker images examines how to inspect layers in Dockerfiles and minimize the overhead of what images contain for better performance.',
  ],
  [
    'python-specific',
    'The Flask Mega-Tutorial Part XIX: Deployment on Docker Containers',
    'https://blog.miguelgrinberg.com/post/the-flask-mega-tutorial-part-xix-deployment-on-docker-containers',
    "The Flask Mega-Tutorial Part XIX: Deployment on Docker Containers is one post in Miguel Grinberg's absolutely spectacular Flask application series.",
  ],
  [
    'python-specific',
    'Deploying Django Applications in Docker',
    'http://handlebarcreative.tumblr.com/post/104881545637/deploying-django-applications-in-docker',
    'Deploying Django Applications in Docker explains some of the concepts behind using Docker for Python deployments and shows how to specifically use it for deploying Django.',
  ],
  [
    'python-specific',
    'Using Docker and Docker Compose to replace virtualenv',
    'https://www.calazan.com/using-docker-and-docker-compose-for-local-django-development-replacing-virtualenv/',
    'Using Docker and Docker Compose to replace virtualenv is a tutorial for using Docker instead of virtualenv for dependency isolation.',
  ],
  [
    'python-specific',
    'a closer look at Docker',
    'https://lincolnloop.com/blog/closer-look-docker/',
    'Lincoln Loop wrote up a closer look at Docker from the perspective of Python developers handling deployments.',
  ],
  [
    'python-specific',
    'Efficient management Python projects dependencies with Docker',
    'https://jpetazzo.github.io/2013/12/01/docker-python-pip-requirements/',
    'Curious how pip and Docker can be used together? Read this article on Efficient management Python projects dependencies with Docker.',
  ],
  [
    'python-specific',
    'Python virtual environments and Docker',
    'http://blog.dscpl.com.au/2016/01/python-virtual-environments-and-docker.html',
    'Python virtual environments and Docker goes into detail on whether virtual environments should be used with Docker and how system packages can generally be a safer route to go.',
  ],
  [
    'python-specific',
    'Dockerizing Django with Postgres, Gunicorn, and Nginx',
    'https://testdriven.io/dockerizing-django-with-postgres-gunicorn-and-nginx',
    'Dockerizing Django with Postgres, Gunicorn, and Nginx details how to configure Django to run on Docker along with Postgres, Nginx and Gunicorn.',
  ],
  [
    'python-specific',
    'Dockerizing a Python Django Web Application',
    'https://semaphoreci.com/community/tutorials/dockerizing-a-python-django-web-application',
    'Dockerizing a Python Django Web Application is another in-depth tutorial on combining Docker with Django.',
  ],
  [
    'python-specific',
    'Dockerizing Flask with Postgres, Gunicorn, and Nginx',
    'https://testdriven.io/blog/dockerizing-flask-with-postgres-gunicorn-and-nginx/',
    'Dockerizing Flask with Postgres, Gunicorn, and Nginx looks at how to configure Flask to run on Docker along with Postgres, Nginx, and Gunicorn.',
  ],
]

// Line of each resource on the page: the list item's first line; for the intro, the link's line.
const LINES = [
  10, 11, 30, 34, 39, 43, 47, 51, 55, 60, 64, 68, 72, 76, 80, 85, 88, 94, 99, 105, 109, 113, 117, 121, 125,
  129, 133, 137, 141, 144, 148, 152, 155,
]

const SECTIONS: Record<string, string | null> = {
  core: null,
  'python-images': 'Python projects within Docker images',
  general: 'Docker resources',
  'python-specific': 'Python-specific Docker resources',
}

let page: ParsedPage

beforeAll(() => {
  page = readPage(pagePath)
})

const byUrl = (url: string) => {
  const found = page.resources.find((resource) => resource.url === url)
  if (!found) throw new Error(`no resource for ${url}`)
  return found
}

describe('seed/docker.markdown', () => {
  it('reads the page front matter', () => {
    expect(page.page).toEqual({ file: pagePath, slug: 'docker', title: 'Docker' })
    expect(page.problems).toEqual([])
  })

  it('finds exactly the 33 expected resources, in page order', () => {
    expect(page.resources).toHaveLength(33)
    expect(page.resources.map((r) => [r.category, r.title, r.url, r.description])).toEqual(EXPECTED)
  })

  it.each(EXPECTED.map((row, index) => [index + 1, row[1], index] as const))(
    'resource %i (%s): position, host, source, validity',
    (position, _title, index) => {
      const resource = page.resources[index]
      const [category, , url] = EXPECTED[index] ?? []
      const line = LINES[index] ?? -1
      expect(ResourceRecordSchema.parse(resource)).toEqual(resource)
      expect(resource?.position).toBe(position)
      expect(resource?.host).toBe(new URL(url ?? '').hostname.replace(/^www\./, ''))
      expect(resource?.source).toEqual({ page: 'docker', section: SECTIONS[category ?? ''], line })
      // The recorded line really is where the item (or intro link) starts.
      const text = pageLines[line - 1] ?? ''
      if (category === 'core') expect(text).toContain(url)
      else expect(text).toMatch(/^\* /)
      // The primary link is always the first of the item's links.
      expect(resource?.links[0]).toEqual({ title: resource?.title, url })
    },
  )

  it('counts categories in order of first appearance, using the mapping file beside the page', () => {
    expect(page.categories).toEqual([
      { slug: 'core', name: 'Core', heading: null, position: 1, count: 2 },
      {
        slug: 'python-images',
        name: 'Python images',
        heading: 'Python projects within Docker images',
        position: 2,
        count: 2,
      },
      { slug: 'general', name: 'General', heading: 'Docker resources', position: 3, count: 13 },
      {
        slug: 'python-specific',
        name: 'Python-specific',
        heading: 'Python-specific Docker resources',
        position: 4,
        count: 16,
      },
    ])
  })

  it('without the mapping falls back to slugified headings', () => {
    const generic = parsePage(pageText, { file: 'seed/docker.markdown' })
    expect(generic.categories.map((c) => [c.slug, c.name, c.count])).toEqual([
      ['core', 'Core', 2],
      ['python-projects-within-docker-images', 'Python projects within Docker images', 2],
      ['docker-resources', 'Docker resources', 13],
      ['python-specific-docker-resources', 'Python-specific Docker resources', 16],
    ])
    expect(loadCategoryMap(pagePath)?.headings['Docker resources']).toEqual({
      slug: 'general',
      name: 'General',
    })
  })

  it('keeps every link of multi-link items, internal ones made absolute', () => {
    const links = (url: string) => byUrl(url).links
    expect(links('https://github.com/tiangolo/uwsgi-nginx-flask-docker')).toEqual([
      {
        title: 'a Flask application configured to run with uWSGI and Nginx',
        url: 'https://github.com/tiangolo/uwsgi-nginx-flask-docker',
      },
      { title: 'image on Docker hub', url: 'https://hub.docker.com/r/tiangolo/uwsgi-nginx-flask/' },
    ])
    expect(links('https://www.eidel.io/2017/07/10/dockerizing-django-uwsgi-postgres/')).toEqual([
      {
        title: 'Dockering Django, uWSGI and PostgreSQL the serious way',
        url: 'https://www.eidel.io/2017/07/10/dockerizing-django-uwsgi-postgres/',
      },
      { title: 'Django', url: 'https://www.fullstackpython.com/django.html' },
      { title: 'PostgreSQL', url: 'https://www.fullstackpython.com/postgresql.html' },
    ])
    expect(
      links(
        'https://blog.miguelgrinberg.com/post/the-flask-mega-tutorial-part-xix-deployment-on-docker-containers',
      ),
    ).toEqual([
      {
        title: 'The Flask Mega-Tutorial Part XIX: Deployment on Docker Containers',
        url: 'https://blog.miguelgrinberg.com/post/the-flask-mega-tutorial-part-xix-deployment-on-docker-containers',
      },
      { title: 'Miguel Grinberg', url: 'https://github.com/miguelgrinberg' },
      { title: 'Flask', url: 'https://www.fullstackpython.com/flask.html' },
    ])
    expect(links('https://www.stavros.io/posts/how-deploy-django-docker/').map((l) => l.url)).toEqual([
      'https://www.stavros.io/posts/how-deploy-django-docker/',
      'https://about.gitlab.com/',
    ])
    expect(links('http://prakhar.me/docker-curriculum/').map((l) => l.title)).toEqual([
      'Docker curriculum',
      'Elasticsearch',
    ])
    const multi = page.resources.filter((r) => r.links.length > 1).map((r) => r.position)
    expect(multi).toEqual([3, 8, 18, 19, 22, 25, 32])
  })

  it('tags resources from internal links and the vocabulary, never with the page topic', () => {
    const tags = (url: string) => byUrl(url).tags
    expect(tags('https://docs.docker.com/')).toEqual([])
    expect(tags('https://github.com/tiangolo/uwsgi-nginx-flask-docker')).toEqual(['flask', 'nginx', 'uwsgi'])
    expect(tags('https://github.com/OrangeTux/minimal-docker-python-setup')).toEqual([
      'flask',
      'nginx',
      'redis',
      'uwsgi',
    ])
    expect(tags('https://www.eidel.io/2017/07/10/dockerizing-django-uwsgi-postgres/')).toEqual([
      'django',
      'postgresql',
      'uwsgi',
    ])
    expect(tags('https://www.stavros.io/posts/how-deploy-django-docker/')).toEqual(['django', 'gitlab-ci'])
    expect(tags('http://blog.dscpl.com.au/2014/12/hosting-python-wsgi-applications-using.html')).toEqual([
      'mod-wsgi',
    ])
    expect(tags('https://www.twilio.com/blog/2015/07/docker-workflow-on-osx-in-60-seconds.html')).toEqual([
      'macos',
    ])
    expect(
      tags(
        'https://www.calazan.com/using-docker-and-docker-compose-for-local-django-development-replacing-virtualenv/',
      ),
    ).toEqual(['docker-compose', 'virtualenv'])
    expect(tags('https://jpetazzo.github.io/2013/12/01/docker-python-pip-requirements/')).toEqual(['pip'])
    expect(tags('http://blog.dscpl.com.au/2016/01/python-virtual-environments-and-docker.html')).toEqual([
      'virtualenv',
    ])
    expect(tags('https://testdriven.io/dockerizing-django-with-postgres-gunicorn-and-nginx')).toEqual([
      'django',
      'gunicorn',
      'nginx',
      'postgresql',
    ])
    expect(page.resources.filter((r) => r.tags.includes('docker'))).toEqual([])
    for (const resource of page.resources) expect(resource.tags).toEqual([...new Set(resource.tags)].sort())
  })

  it('lists every tag used, with its display name', () => {
    const used = [...new Set(page.resources.flatMap((r) => r.tags))].sort()
    expect(page.tags.map((t) => t.slug)).toEqual(used)
    expect(page.tags).toContainEqual({ slug: 'postgresql', name: 'PostgreSQL' })
    expect(page.tags).toContainEqual({ slug: 'macos', name: 'macOS' })
    expect(page.tags).toContainEqual({ slug: 'mod-wsgi', name: 'mod_wsgi' })
    expect(page.tags).toContainEqual({ slug: 'docker-compose', name: 'Docker Compose' })
  })

  it('keeps the logo link (same URL as the docs link) once', () => {
    expect(page.resources.filter((r) => r.url === 'https://docs.docker.com/')).toHaveLength(1)
    expect(page.resources.some((r) => r.title.startsWith('Official Docker logo'))).toBe(false)
  })

  describe('ids', () => {
    it('are unique, URL-safe and at most 64 characters', () => {
      const ids = page.resources.map((r) => r.id)
      expect(new Set(ids).size).toBe(33)
      for (const id of ids) {
        expect(id.length).toBeLessThanOrEqual(64)
        expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)
        expect(encodeURIComponent(id)).toBe(id)
      }
    })

    it('are pinned: the stored ids never change for the same URL', () => {
      expect(byUrl('https://docs.docker.com/').id).toBe('docs-docker-com-37e989a6')
      expect(byUrl('https://www.learncloudnative.com/blog/2020-04-29-beginners-guide-to-docker/').id).toBe(
        'learncloudnative-com-blog-2020-04-29-beginners-guide-to-6293bf97',
      )
      for (const resource of page.resources) expect(resource.id).toBe(resourceId(resource.url))
    })

    it('do not change when a title, description or position changes', () => {
      const lines = [...pageLines]
      // Swap the first two items of "Docker resources" (lines 39-41 and 43-45) and retitle one.
      const first = lines.slice(38, 41)
      const second = lines.slice(42, 45)
      lines.splice(38, 3, ...second)
      lines.splice(42, 3, ...first)
      const edited = lines
        .join('\n')
        .replace('[Beginners guide to Docker]', '[A renamed guide]')
        .replace('explains what it is', 'now says something else')
      const reparsed = parsePage(edited, { file: 'edited.markdown', categoryMap: loadCategoryMap(pagePath) })
      const before = page.resources.find((r) => r.title === 'Beginners guide to Docker')
      const after = reparsed.resources.find((r) => r.title === 'A renamed guide')
      expect(after?.position).not.toBe(before?.position)
      expect(after?.description).not.toBe(before?.description)
      expect(after?.id).toBe(before?.id)
      expect(reparsed.resources.map((r) => r.id).sort()).toEqual(page.resources.map((r) => r.id).sort())
    })

    it('depend only on the normalized URL', () => {
      const id = resourceId('https://docs.docker.com/')
      expect(resourceId('http://www.DOCS.docker.com:80/#install')).toBe(id)
      expect(resourceId('https://docs.docker.com')).toBe(id)
      expect(resourceId('https://docs.docker.com/engine/')).not.toBe(id)
    })
  })
})
