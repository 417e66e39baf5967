// A minimal Pulumi language host for Node.js programs ("pulumi-language-nodejs"), built by
// scripts/setup/build-pulumi.sh against github.com/pulumi/pulumi/sdk/v3 at the same version as the CLI.
//
// Why it exists: see README.md beside this file. It speaks the LanguageRuntime gRPC protocol of the
// sdk it is compiled with, and runs programs exactly like the official host does at its core: it starts
// `node <@pulumi/pulumi/cmd/run> --monitor ... <program>` in the program directory, handing the
// engine's resource-monitor address straight to the Node SDK (no proxying), with the stack config in
// PULUMI_CONFIG / PULUMI_CONFIG_SECRET_KEYS. It implements: Handshake, GetPluginInfo,
// GetRequiredPackages/GetRequiredPlugins (resource plugins named by pulumi-plugin.json in node_modules),
// Run, Cancel, InstallDependencies (npm install), About and GetProgramDependencies. Not implemented
// (answers Unimplemented): RunPlugin (plugins written in Node), code generation
// (GenerateProject/Program/Package), Link, Pack, Template, RuntimeOptionsPrompts.
//
// Cancellation is the official host's (sdk/nodejs/cmd/pulumi-language-nodejs/main.go, execRuntime and
// Cancel): the engine's Cancel RPC (sent on the first Ctrl-C) or the end of the Run request interrupts
// the program with SIGINT, kills it 5 s later if it is still running, and Run then reports
// "Program exited with non-zero exit code: -1"; a SIGINT to the host itself stops its RPC server.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Exit code with which @pulumi/pulumi's cmd/run reports "an actionable message was already shown".
const exitCodeBail = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
	tracing       string
	// cancelled when the engine sends the Cancel RPC: every program running, or started later, is interrupted.
	cancelCtx  context.Context
	cancelFunc context.CancelFunc
	// defaults from command-line flags; Pulumi.yaml runtime options (ProgramInfo.Options) win.
	typescript bool
	tsconfig   string
	nodeargs   string
}

func main() {
	h := &host{}
	h.cancelCtx, h.cancelFunc = context.WithCancel(context.Background())
	flag.StringVar(&h.tracing, "tracing", "", "Emit tracing to a Zipkin-compatible tracing endpoint")
	flag.BoolVar(&h.typescript, "typescript", true, "Use ts-node at runtime to support TypeScript source")
	flag.StringVar(&h.tsconfig, "tsconfig", "", "Path to tsconfig.json to use")
	flag.StringVar(&h.nodeargs, "nodeargs", "", "Arguments for the Node process")
	flag.String("root", "", "Project root path (accepted for compatibility)")
	flag.String("packagemanager", "", "Package manager (accepted for compatibility; npm is used)")
	flag.Parse()

	// As the official host: a SIGINT to the host stops its RPC server.
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	if args := flag.Args(); len(args) > 0 {
		h.engineAddress = args[0]
		if err := rpcutil.Healthcheck(ctx, h.engineAddress, 5*time.Minute, cancel); err != nil {
			fatalf("could not start health check host RPC server: %v", err)
		}
	}

	stop := make(chan bool)
	go func() {
		<-ctx.Done()
		cancel() // deregister the interrupt handler
		close(stop)
	}()
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stop,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
		Options: rpcutil.OpenTracingServerInterceptorOptions(nil),
	})
	if err != nil {
		fatalf("could not start language host RPC server: %v", err)
	}
	// The engine reads our port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fatalf("language host RPC stopped serving: %v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: "+format+"\n", args...)
	os.Exit(1)
}

func (h *host) Handshake(
	ctx context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	if req.GetEngineAddress() != "" {
		h.mu.Lock()
		h.engineAddress = req.GetEngineAddress()
		h.mu.Unlock()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

// Cancel interrupts every program this host runs (the engine sends it on the first Ctrl-C).
func (h *host) Cancel(ctx context.Context, _ *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancelFunc()
	return &emptypb.Empty{}, nil
}

func (h *host) GetPluginInfo(ctx context.Context, _ *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// ---- options ---------------------------------------------------------------------------------------

type runOptions struct {
	typescript bool
	tsconfig   string
	nodeargs   []string
}

func (h *host) options(info *pulumirpc.ProgramInfo) runOptions {
	o := runOptions{typescript: h.typescript, tsconfig: h.tsconfig}
	nodeargs := h.nodeargs
	if info != nil && info.GetOptions() != nil {
		m := info.GetOptions().AsMap()
		if v, ok := m["typescript"].(bool); ok {
			o.typescript = v
		}
		if v, ok := m["tsconfig"].(string); ok {
			o.tsconfig = v
		}
		if v, ok := m["nodeargs"].(string); ok {
			nodeargs = v
		}
	}
	o.nodeargs = strings.Fields(nodeargs)
	return o
}

func programDir(info *pulumirpc.ProgramInfo, fallback string) string {
	if info != nil && info.GetProgramDirectory() != "" {
		return info.GetProgramDirectory()
	}
	if fallback != "" {
		return fallback
	}
	wd, _ := os.Getwd()
	return wd
}

// ---- required packages -----------------------------------------------------------------------------

type pluginJSON struct {
	Resource bool   `json:"resource"`
	Name     string `json:"name"`
	Version  string `json:"version"`
	Server   string `json:"server"`
}

// requiredPackages lists the resource plugins that installed npm packages declare, the way Pulumi
// provider SDKs do: a pulumi-plugin.json beside their package.json (or a "pulumi" key in package.json).
func requiredPackages(dir string) []*pulumirpc.PackageDependency {
	nm := findNodeModules(dir)
	if nm == "" {
		return nil
	}
	var pkgDirs []string
	entries, _ := os.ReadDir(nm)
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		if strings.HasPrefix(name, "@") {
			sub, _ := os.ReadDir(filepath.Join(nm, name))
			for _, s := range sub {
				pkgDirs = append(pkgDirs, filepath.Join(nm, name, s.Name()))
			}
			continue
		}
		pkgDirs = append(pkgDirs, filepath.Join(nm, name))
	}
	seen := map[string]bool{}
	var deps []*pulumirpc.PackageDependency
	for _, pd := range pkgDirs {
		var p pluginJSON
		if b, err := os.ReadFile(filepath.Join(pd, "pulumi-plugin.json")); err == nil {
			if json.Unmarshal(b, &p) != nil {
				continue
			}
		} else if b, err := os.ReadFile(filepath.Join(pd, "package.json")); err == nil {
			var pkg struct {
				Name    string      `json:"name"`
				Version string      `json:"version"`
				Pulumi  *pluginJSON `json:"pulumi"`
			}
			if json.Unmarshal(b, &pkg) != nil || pkg.Pulumi == nil {
				continue
			}
			p = *pkg.Pulumi
		} else {
			continue
		}
		if !p.Resource || p.Name == "" {
			continue
		}
		v := p.Version
		if v != "" && !strings.HasPrefix(v, "v") {
			v = "v" + v
		}
		key := p.Name + "@" + v
		if seen[key] {
			continue
		}
		seen[key] = true
		deps = append(deps, &pulumirpc.PackageDependency{Name: p.Name, Kind: "resource", Version: v, Server: p.Server})
	}
	sort.Slice(deps, func(i, j int) bool { return deps[i].Name+deps[i].Version < deps[j].Name+deps[j].Version })
	return deps
}

func findNodeModules(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if fi, err := os.Stat(filepath.Join(d, "node_modules")); err == nil && fi.IsDir() {
			return filepath.Join(d, "node_modules")
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

func (h *host) GetRequiredPackages(
	ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{Packages: requiredPackages(programDir(req.GetInfo(), ""))}, nil
}

func (h *host) GetRequiredPlugins(
	ctx context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	var plugins []*pulumirpc.PluginDependency
	for _, p := range requiredPackages(programDir(req.GetInfo(), "")) {
		plugins = append(plugins, &pulumirpc.PluginDependency{Name: p.Name, Kind: p.Kind, Version: p.Version, Server: p.Server})
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

// ---- run -------------------------------------------------------------------------------------------

// resolveModule finds a module's entry file the way node would from dir.
func resolveModule(dir, mod string) (string, error) {
	cmd := exec.Command("node", "-e", "console.log(require.resolve(process.argv[1]))", mod)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	pwd := req.GetPwd()
	dir := programDir(info, pwd)
	if pwd == "" {
		pwd = dir
	}
	opts := h.options(info)

	if _, err := exec.LookPath("node"); err != nil {
		return &pulumirpc.RunResponse{Error: "could not find node on the $PATH: " + err.Error()}, nil
	}
	runPath := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if runPath == "" {
		p, err := resolveModule(dir, "@pulumi/pulumi/cmd/run")
		if err != nil {
			return &pulumirpc.RunResponse{Error: "It looks like the Pulumi SDK has not been installed. " +
				"Have you run npm install or yarn install?"}, nil
		}
		runPath = p
	}

	h.mu.Lock()
	engine := h.engineAddress
	h.mu.Unlock()

	args := append([]string{}, opts.nodeargs...)
	args = append(args, runPath)
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", engine)
	add("organization", req.GetOrganization())
	add("project", req.GetProject())
	add("stack", req.GetStack())
	add("pwd", pwd)
	if info != nil {
		add("root-directory", info.GetRootDirectory())
	}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if req.GetParallel() != 0 {
		add("parallel", fmt.Sprint(req.GetParallel()))
	}
	add("tracing", h.tracing)
	program := req.GetProgram() //nolint:staticcheck
	if info != nil && info.GetEntryPoint() != "" {
		program = info.GetEntryPoint()
	}
	if program == "" {
		program = "."
	}
	args = append(args, program)
	args = append(args, req.GetArgs()...)

	config := req.GetConfig()
	if config == nil {
		config = map[string]string{}
	}
	configJSON, err := json.Marshal(config)
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}

	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(configJSON),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON))
	if opts.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if opts.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+opts.tsconfig)
	}

	// Interrupted when the engine sends Cancel (host.cancelCtx) or the Run request ends (ctx): SIGINT,
	// then a kill after WaitDelay, as the official host does.
	cmdCtx, cmdCancel := context.WithCancel(h.cancelCtx)
	defer cmdCancel()
	context.AfterFunc(ctx, cmdCancel)
	cmd := exec.CommandContext(cmdCtx, "node", args...) // #nosec G204 -- the engine is our only caller
	cmd.Cancel = func() error {
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
	cmd.WaitDelay = 5 * time.Second
	cmd.Dir = pwd
	cmd.Env = env
	// Copied through pipes, as the official host does (Node may change the blocking mode of a file it is handed).
	cmd.Stdout = struct{ io.Writer }{os.Stdout}
	cmd.Stderr = struct{ io.Writer }{os.Stderr}
	runErr := cmd.Run()
	_ = os.Stdout.Sync()
	_ = os.Stderr.Sync()
	if runErr == nil {
		return &pulumirpc.RunResponse{}, nil
	}
	var exitErr *exec.ExitError
	if errors.As(runErr, &exitErr) {
		// ExitCode is -1 for a program ended by a signal (the SIGINT or kill of a cancellation), as in the official host.
		switch code := exitErr.ExitCode(); code {
		case 0:
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited unexpectedly: %v", exitErr)}, nil
		case exitCodeBail:
			return &pulumirpc.RunResponse{Bail: true}, nil
		default:
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", code)}, nil
		}
	}
	return &pulumirpc.RunResponse{Error: "Problem executing program (could not run language executor): " + runErr.Error()}, nil
}

// ---- dependencies / about --------------------------------------------------------------------------

func (h *host) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	dir := programDir(req.GetInfo(), req.GetDirectory()) //nolint:staticcheck
	cmd := exec.Command("npm", "install", "--no-audit", "--no-fund")
	cmd.Dir = dir
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("npm install: %w", err)
	}
	var sendMu sync.Mutex
	var wg sync.WaitGroup
	pump := func(r io.Reader, isErr bool) {
		defer wg.Done()
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			line := append(sc.Bytes(), '\n')
			resp := &pulumirpc.InstallDependenciesResponse{}
			if isErr {
				resp.Stderr = append([]byte{}, line...)
			} else {
				resp.Stdout = append([]byte{}, line...)
			}
			sendMu.Lock()
			_ = server.Send(resp)
			sendMu.Unlock()
		}
	}
	wg.Add(2)
	go pump(stdout, false)
	go pump(stderr, true)
	wg.Wait()
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("npm install failed in %s: %w", dir, err)
	}
	return nil
}

func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("node --version: %w", err)
	}
	return &pulumirpc.AboutResponse{Executable: node, Version: strings.TrimSpace(string(out))}, nil
}

func (h *host) GetProgramDependencies(
	ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := programDir(req.GetInfo(), req.GetPwd()) //nolint:staticcheck
	b, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return nil, fmt.Errorf("could not read package.json: %w", err)
	}
	var pkg struct {
		Dependencies    map[string]string `json:"dependencies"`
		DevDependencies map[string]string `json:"devDependencies"`
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		return nil, fmt.Errorf("could not parse package.json: %w", err)
	}
	names := map[string]string{}
	for n, v := range pkg.DevDependencies {
		names[n] = v
	}
	for n, v := range pkg.Dependencies {
		names[n] = v
	}
	nm := findNodeModules(dir)
	var deps []*pulumirpc.DependencyInfo
	for n, wanted := range names {
		v := wanted
		if nm != "" {
			if pb, err := os.ReadFile(filepath.Join(nm, n, "package.json")); err == nil {
				var p struct {
					Version string `json:"version"`
				}
				if json.Unmarshal(pb, &p) == nil && p.Version != "" {
					v = p.Version
				}
			}
		}
		deps = append(deps, &pulumirpc.DependencyInfo{Name: n, Version: v})
	}
	sort.Slice(deps, func(i, j int) bool { return deps[i].Name < deps[j].Name })
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}
