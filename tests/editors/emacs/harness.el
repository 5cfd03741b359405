;;; harness.el --- drive a batch Emacs for tests/editors/emacs  -*- lexical-binding: t; -*-

;; test_emacs.py runs `emacs --batch -Q -l harness.el --eval '(fim-test-main SCENARIO TYPED)'`.
;; The harness loads the user configuration (a snippet of docs/editors.md), opens the file, runs one
;; scenario that types real keys and records what the user sees after each of them, writes the
;; result as JSON to $FIM_TEST_RESULT for the Python test to assert on, and exits 1 with the reason
;; on stderr when something goes wrong or takes too long.
;;
;; Keys are typed with one `execute-kbd-macro' per scenario where it matters: every macro starts by
;; running `post-command-hook' once more, which ends completion-preview's preview between macros.

(require 'json)
(require 'package)

(defvar fim-test-timeout 10 "Seconds any one wait may take.")

(defvar fim-test-start-timeout 30
  "Seconds starting fim-lsp may take: a Python process importing pygls and lsprotocol, which on a
busy two-core machine has taken more than 10 s.")

(defvar-local fim-test--shown nil
  "What the ghost text showed after each command, newest first (nil: no ghost text).")

(defvar fim-test--ghost (lambda () nil)
  "A function returning the ghost text shown now, or nil.")

(defun fim-test-wait (what probe &optional timeout)
  "Poll PROBE, handling process output and timers, until it returns non-nil; fail naming WHAT."
  (let ((deadline (+ (float-time) (or timeout fim-test-timeout)))
        value)
    (while (and (not (setq value (funcall probe))) (< (float-time) deadline))
      (accept-process-output nil 0.02))
    (or value (error "Timed out after %s s waiting for %s" (or timeout fim-test-timeout) what))))

(defun fim-test-idle (seconds)
  "Act as if the user stopped typing for SECONDS: run the idle timers due by then.
A batch Emacs never goes idle by itself (it reads no terminal input), so idle timers, which
lsp-mode uses to start and to show inline completions, are run here."
  (let ((due (seq-filter (lambda (timer) (time-less-p (timer--time timer) (+ seconds 0.001)))
                         timer-idle-list)))
    (mapc #'timer-event-handler due)))

(defun fim-test-keys (&rest keys)
  "Type KEYS as the user would, in one keyboard macro: each key runs its command and hooks.
Each of KEYS is either text typed as is, or a vector such as (kbd \"TAB\")."
  (execute-kbd-macro (apply #'vconcat keys)))

(defun fim-test-text ()
  "The whole buffer."
  (buffer-substring-no-properties (point-min) (point-max)))

(defun fim-test-cursor ()
  "The cursor as [line column], 0-based as in LSP."
  (vector (1- (line-number-at-pos)) (current-column)))

(defun fim-test-after-string (overlay)
  "The text OVERLAY shows after its end (ghost text), or nil."
  (and (overlayp overlay) (overlay-buffer overlay)
       (substring-no-properties (or (overlay-get overlay 'after-string) ""))))

(defun fim-test--record ()
  "Remember what the ghost text shows after this command."
  (push (funcall fim-test--ghost) fim-test--shown))

(defun fim-test-candidates ()
  "The candidates the completion-at-point functions offer here, each with its annotation."
  (pcase (run-hook-wrapped 'completion-at-point-functions
                           (lambda (f) (let ((found (funcall f))) (and (consp found) found))))
    (`(,beg ,end ,table . ,props)
     (let ((annotate (plist-get props :annotation-function)))
       (vconcat
        (mapcar (lambda (c)
                  `((label . ,(substring-no-properties c))
                    (annotation . ,(and annotate (funcall annotate c)))))
                (all-completions (buffer-substring-no-properties beg end) table)))))))

(defun fim-test-completions-list ()
  "The entries of the *Completions* buffer as shown, without its help lines."
  (let ((buffer (get-buffer "*Completions*")))
    (and buffer
         (with-current-buffer buffer
           (let ((lines (split-string (substring-no-properties (buffer-string)) "\n" t)))
             (vconcat (seq-drop-while (lambda (l) (not (string-match-p "possible completion" l)))
                                      lines)))))))

(defun fim-test--accepted ()
  "How many accepted suggestions fim-lsp counted today (its fimLsp.stats command)."
  (let* ((args '(:command "fimLsp.stats"))
         (stats (if (bound-and-true-p lsp-mode)
                    (lsp-request "workspace/executeCommand" args)
                  (jsonrpc-request (eglot-current-server) :workspace/executeCommand args)))
         (today (if (hash-table-p stats) (gethash "today" stats) (plist-get stats :today))))
    (if (hash-table-p today) (gethash "accepted" today) (plist-get today :accepted))))

(defun fim-test--result (&rest more)
  "The result every scenario reports, plus MORE (an alist)."
  (append more
          `((shown . ,(vconcat (reverse fim-test--shown)))
            (text . ,(fim-test-text))
            (cursor . ,(fim-test-cursor))
            ;; the item's command (fimLsp.accepted) ran, or not: wait a moment for it to arrive
            (accepted . ,(progn (accept-process-output nil 0.2) (fim-test--accepted)))
            (messages . ,(with-current-buffer "*Messages*" (buffer-string))))))

;;; Scenarios

(defun fim-test-eglot-ready ()
  "Wait until eglot has started fim-lsp for this buffer."
  (fim-test-wait "eglot to connect to fim-lsp"
                 (lambda () (let ((server (eglot-current-server)))
                              (and server (eglot--capabilities server))))
                 fim-test-start-timeout))

(defun fim-test-lsp-mode-ready ()
  "Wait until lsp-mode has started fim-lsp (lsp-deferred starts it once Emacs is idle)."
  (fim-test-wait "lsp-mode to start fim-lsp"
                 (lambda () (fim-test-idle 0)
                   (seq-find (lambda (w) (eq (lsp--workspace-status w) 'initialized))
                             (lsp-workspaces)))
                 fim-test-start-timeout))

(defun fim-test-menu (typed)
  "Type TYPED; list the candidates and complete at point (C-M-i, as M-TAB in a terminal).
With one candidate eglot inserts it at once; lsp-mode shows the *Completions* list, where
M-<down> M-RET picks it."
  (fim-test-keys typed)
  (let ((candidates (fim-test-candidates)))
    (fim-test-keys (kbd "C-M-i"))
    (let ((listed (fim-test-completions-list)))
      (when listed
        (fim-test-keys (kbd "M-<down> M-RET")))
      (fim-test--result `(candidates . ,candidates) `(listed . ,listed)))))

(defun fim-test-eglot-menu (typed)
  "The completion menu through eglot."
  (fim-test-eglot-ready)
  (fim-test-menu typed))

(defun fim-test-lsp-mode-menu (typed)
  "The completion menu through lsp-mode."
  (fim-test-lsp-mode-ready)
  (fim-test-menu typed))

(defun fim-test-eglot-preview (typed)
  "Type TYPED and then TAB, recording completion-preview's ghost text after each key."
  (fim-test-eglot-ready)
  (setq fim-test--ghost (lambda () (and completion-preview-active-mode
                                        (fim-test-after-string completion-preview--overlay))))
  (add-hook 'post-command-hook #'fim-test--record 90 t)
  (fim-test-keys typed (kbd "TAB"))
  (fim-test--result))

(defun fim-test-lsp-mode-inline (typed)
  "Type TYPED, stay idle until lsp-mode shows its inline completion, accept it with C-<return>."
  (fim-test-lsp-mode-ready)
  (setq fim-test--ghost (lambda () (and (lsp-inline-completion--active-p)
                                        (fim-test-after-string lsp-inline-completion--overlay))))
  (fim-test-keys typed)
  (fim-test-wait "lsp-mode's inline completion"
                 (lambda () (fim-test-idle lsp-inline-completion-idle-delay)
                   (lsp-inline-completion--active-p)))
  (let ((before (fim-test-text))
        (ghost (funcall fim-test--ghost)))
    (fim-test-keys (kbd "C-<return>"))
    (fim-test--result `(before . ,before) `(ghost . ,ghost))))

;; (lsp-mode 10's keys while a suggestion shows: C-n and C-p cycle, C-<return> accepts)
(defun fim-test-lsp-mode-cycle (typed)
  "Type TYPED, ask for inline completions as `M-x lsp-inline-completion-display' does (Invoked),
then C-n, C-n, C-p, recording the ghost text after each, and accept with C-<return>."
  (fim-test-lsp-mode-ready)
  (setq fim-test--ghost (lambda () (and (lsp-inline-completion--active-p)
                                        (fim-test-after-string lsp-inline-completion--overlay))))
  (fim-test-keys typed)
  (call-interactively #'lsp-inline-completion-display)
  (fim-test-wait "lsp-mode's inline completion" #'lsp-inline-completion--active-p)
  (let ((shown (list (funcall fim-test--ghost))))
    (dolist (key '("C-n" "C-n" "C-p"))
      (fim-test-keys (kbd key))
      (push (funcall fim-test--ghost) shown))
    (fim-test-keys (kbd "C-<return>"))
    (fim-test--result `(cycle . ,(vconcat (nreverse shown))))))

;;; Entry point

(defun fim-test-main (scenario typed)
  "Load the configuration, open the file, run SCENARIO typing TYPED at its end, write the result."
  (condition-case err
      (let ((elpa (getenv "FIM_TEST_ELPA")))
        (unless (string-empty-p elpa)
          ;; what package.el does for installed packages (Debian's elpa-* packages likewise)
          (add-to-list 'package-directory-list elpa)
          (package-initialize))
        (with-eval-after-load 'lsp-mode
          ;; answers lsp-mode's first-time question "Import project root?" with the file's folder
          (lsp-workspace-folders-add (file-name-directory (getenv "FIM_TEST_FILE"))))
        (load (getenv "FIM_TEST_CONFIG") nil t)
        (find-file (getenv "FIM_TEST_FILE"))
        ;; a first command in the file, as the one that opened it (eglot-ensure connects after it)
        (keymap-global-set "<f35>" #'ignore)
        (fim-test-keys (kbd "<f35>"))
        (goto-char (point-max))
        (let ((result (funcall (intern (concat "fim-test-" scenario)) typed)))
          (with-temp-file (getenv "FIM_TEST_RESULT")
            (insert (json-encode result))))
        (kill-emacs 0))
    (error
     ;; (a batch Emacs has printed every message on stderr already)
     (message "FIM-TEST FAILED: %s\nbuffer %S, cursor %S"
              (error-message-string err) (fim-test-text) (fim-test-cursor))
     (kill-emacs 1))))

;;; harness.el ends here
